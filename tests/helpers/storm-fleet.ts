/**
 * A fleet of light help buttons (firmware-sim's light devices: every press published again until
 * acked, seq kept, reconnecting with backoff) in the test's own process, with bench-seeded ids and
 * secrets (tests/bench/lib/seed.ts). Records every ack with the alert it named and every
 * retransmission, for tests of what a storm leaves behind.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fleetDeviceId, fleetSecret } from "@helpkey/firmware-sim/fleet/credentials";
import { hrNow, LightDevice, type Endpoint } from "@helpkey/firmware-sim/fleet/light-device";

export interface StormFleet {
  devices: LightDevice[];
  /** Each device presses once, at a random moment within `windowMs` (returns at once). */
  pressAll(windowMs: number): void;
  /** Presses published so far (first attempts). */
  pressed(): number;
  /** Presses acked so far (the first ack of each). */
  acked(): number;
  /** Every acked press: `${deviceId}:${seq}` → the alert id its ack named. */
  acks(): Map<string, number>;
  counts(): { retransmits: number; repeatAcks: number; refused: number };
  stop(): void;
}

export async function startStormFleet(endpoint: Endpoint, count: number, opts: { first?: number; readyTimeoutMs?: number } = {}): Promise<StormFleet> {
  const first = opts.first ?? 0;
  const acks = new Map<string, number>();
  let ready = 0;
  let pressed = 0;
  let retransmits = 0;
  let refused = 0;
  const devices = Array.from({ length: count }, (_, k) => new LightDevice(first + k, fleetDeviceId(first + k), fleetSecret(first + k), {
    ready: () => void ready++,
    acked: (d, seq, ack) => void acks.set(`${d.id}:${seq}`, ack.alertId),
    sent: (_d, _seq, attempt) => void (attempt === 1 ? pressed++ : retransmits++),
    closed: (_d, wasReady) => void (wasReady && ready--),
    refused: () => void refused++,
  }));
  const timers = new Set<NodeJS.Timeout>();
  // retransmissions and keepalive for every device from one timer
  const ticker = setInterval(() => {
    const now = hrNow();
    for (const d of devices) {
      d.retransmitDue(now);
      d.keepalive(now);
    }
  }, 100);
  const stop = () => {
    clearInterval(ticker);
    for (const t of timers) clearTimeout(t);
    for (const d of devices) d.stop();
  };
  // in batches: the broker checks each secret on the gateway's hash workers
  for (let i = 0; i < count; i += 100) {
    for (const d of devices.slice(i, i + 100)) d.start(endpoint);
    await sleep(20);
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 30_000);
  while (ready < count) {
    if (Date.now() > deadline) {
      stop();
      throw new Error(`only ${ready} of ${count} devices connected (${refused} refused): is the database seeded for them?`);
    }
    await sleep(20);
  }
  return {
    devices,
    pressAll(windowMs) {
      for (const d of devices) {
        const t = setTimeout(() => {
          timers.delete(t);
          d.press();
        }, Math.random() * windowMs);
        timers.add(t);
      }
    },
    pressed: () => pressed,
    acked: () => acks.size,
    acks: () => new Map(acks),
    counts: () => ({ retransmits, repeatAcks: devices.reduce((n, d) => n + d.repeatAcks, 0), refused }),
    stop,
  };
}
