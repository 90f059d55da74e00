/**
 * What a device keeps across reboots (docs/device-protocol.md: `seq` is kept across reboots and an
 * alarm stays queued until acked): the last `seq` used and the queue of unacked alarms.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { alarmPayloadSchema, type AlarmPayload } from "@helpkey/shared";

export interface DeviceState {
  /** Last seq handed out; the next press uses seq + 1. */
  seq: number;
  /** Alarms published but not yet acked, oldest first. */
  pending: AlarmPayload[];
}

export interface DeviceStateStore {
  /** Where the state lives, for messages; undefined when kept in memory only. */
  readonly path: string | undefined;
  load(): DeviceState;
  save(state: DeviceState): void;
}

const stateFileSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  seq: z.number().int().nonnegative(),
  pending: z.array(alarmPayloadSchema),
});

export class DeviceStateError extends Error {
  readonly code = "SIM_BAD_STATE_FILE";
}

/**
 * `<dir>/<id>.json`, written as tmp file + fsync + rename so that a crash mid-write leaves the old
 * state or the new one, never half of either (a torn file would lose the seq and the queue).
 */
export function fileStateStore(dir: string, id: string): DeviceStateStore {
  const path = join(dir, `${id}.json`);
  return {
    path,
    load() {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { seq: 0, pending: [] };
        throw err;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new DeviceStateError(`state file ${path} is not JSON; move it away to start this device afresh`);
      }
      const parsed = stateFileSchema.safeParse(raw);
      if (!parsed.success || parsed.data.id !== id) {
        throw new DeviceStateError(`state file ${path} is not a valid state of device ${id}; move it away to start this device afresh`);
      }
      return { seq: parsed.data.seq, pending: parsed.data.pending };
    },
    save(state) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, JSON.stringify({ version: 1, id, seq: state.seq, pending: state.pending }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, path);
    },
  };
}

/**
 * No state dir: nothing survives the process. The seq starts at the wall clock in ms so that it still
 * grows across runs of the same device id; starting at 1 again would make the gateway, which dedupes
 * by (device id, seq), drop the presses of a second run as repeats of the first.
 */
export function memoryStateStore(now: () => number = Date.now): DeviceStateStore {
  let state: DeviceState = { seq: now(), pending: [] };
  return {
    path: undefined,
    load: () => ({ seq: state.seq, pending: [...state.pending] }),
    save: (next) => {
      state = { seq: next.seq, pending: [...next.pending] };
    },
  };
}
