/**
 * Bench fleets' device ids and secrets, derived from the index, so that the coordinator, the
 * seeding step and each fleet process agree without shipping 19,000 secrets around. For load tests
 * only: anyone with this file can compute every secret of a bench database.
 */
import { createHmac } from "node:crypto";

const BENCH_KEY = "helpkey-bench-fleet-v1";

export function fleetDeviceId(index: number): string {
  return `bench-${String(index).padStart(5, "0")}`;
}

export function fleetSecret(index: number): string {
  return createHmac("sha256", BENCH_KEY).update(fleetDeviceId(index)).digest("base64url").slice(0, 24);
}

/** A contact phone per device (E.164, NANP fiction range 555): tells the phone network whose alarm it is. */
export function fleetContactPhone(index: number): string {
  return `+1555${String(index).padStart(7, "0")}`;
}

export function indexOfContactPhone(phone: string): number | null {
  const m = /^\+1555(\d{7})$/.exec(phone);
  return m ? Number(m[1]) : null;
}

export function indexOfDeviceId(id: string): number | null {
  const m = /^bench-(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}
