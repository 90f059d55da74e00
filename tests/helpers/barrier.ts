/**
 * Barriers for negative checks: to show something did NOT happen, make something later happen first and
 * wait for it. A press from another household goes through the same ingest, the same outbox and the
 * same phone network; once its text and first call have reached the phone network, everything that was
 * due before it has had its turn.
 */
import { createHousehold } from "./community";
import { connectSim } from "./device";
import { waitFor, type TestSystem } from "./system";

let n = 0;

export interface Barrier {
  alertId: number;
  phone: string;
}

/** Presses in another household (of `communityId` when given) and waits for its text and call at the phone network. */
export async function pressBarrier(sys: TestSystem, o: { communityId?: number } = {}): Promise<Barrier> {
  const phone = `+86139000${String(90000 + ++n).slice(-5)}`;
  const home = await createHousehold(sys.api, { ...(o.communityId ? { communityId: o.communityId } : {}), contacts: [{ name: "Barrier", phone, priority: 1 }] });
  sys.phone!.setPerson(phone, { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const { alertId } = await device.waitForAck(device.press().seq, "received", 5000);
    await waitFor(() => sys.phone!.messages.some((m) => m.to === phone) && sys.phone!.calls.some((c) => c.to === phone), 10_000, "the barrier's text and call");
    return { alertId, phone };
  } finally {
    await device.close();
  }
}

/** The phone network's traffic without the barrier's own. */
export function withoutBarrier<T extends { to: string }>(list: readonly T[], ...barriers: Barrier[]): T[] {
  return list.filter((x) => !barriers.some((b) => b.phone === x.to));
}
