/**
 * A fleet of light help buttons in this process, for the console storm (a few hundred to a few
 * thousand devices seeded by seed.ts): connect them all, then press each once, spread evenly over
 * a given time, with the retransmission ticker the device rules require.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { fleetDeviceId, fleetSecret } from "@helpkey/firmware-sim/fleet/credentials";
import { hrNow, LightDevice } from "@helpkey/firmware-sim/fleet/light-device";

export interface LightFleet {
  devices: LightDevice[];
  /** Presses device 0…count-1 once each over `seconds`; resolves when every press was published. */
  pressAll(seconds: number, onPress?: (i: number, at: number) => void): Promise<void>;
  /** How many presses the system acknowledged (ack "received"). */
  acked(): number;
  stop(): void;
}

export async function startLightFleet(mqttUrl: string, count: number, onProgress: (ready: number) => void = () => undefined): Promise<LightFleet> {
  const url = new URL(mqttUrl);
  let ready = 0;
  let acked = 0;
  let allReady: () => void = () => undefined;
  let refused: (err: Error) => void = () => undefined;
  const whenReady = new Promise<void>((resolve, reject) => {
    allReady = resolve;
    refused = reject;
  });
  const devices = Array.from({ length: count }, (_, i) => new LightDevice(i, fleetDeviceId(i), fleetSecret(i), {
    ready: () => {
      if (++ready % 100 === 0) onProgress(ready);
      if (ready === count) allReady();
    },
    acked: (_d, _seq, ack) => void (ack.state === "received" && acked++),
    sent: () => undefined,
    closed: () => undefined,
    refused: (d, code) => refused(new Error(`device ${d.id} refused by the broker (return code ${code}): is the database seeded for ${count} devices?`)),
  }));
  // connect in small batches: the broker checks each secret on a worker pool
  for (let i = 0; i < count; i += 50) {
    for (const d of devices.slice(i, i + 50)) d.start({ host: url.hostname, port: Number(url.port) });
    await sleep(20);
  }
  const ticker = setInterval(() => {
    const now = hrNow();
    for (const d of devices) {
      d.retransmitDue(now);
      d.keepalive(now);
    }
  }, 250);
  try {
    await whenReady;
  } catch (err) {
    clearInterval(ticker);
    for (const d of devices) d.stop();
    throw err;
  }
  return {
    devices,
    async pressAll(seconds, onPress) {
      const t0 = hrNow();
      const gap = (seconds * 1000) / count;
      for (let i = 0; i < count; i++) {
        const due = t0 + i * gap;
        const wait = due - hrNow();
        if (wait > 1) await sleep(wait);
        devices[i]!.press();
        onPress?.(i, hrNow());
      }
    },
    acked: () => acked,
    stop() {
      clearInterval(ticker);
      for (const d of devices) d.stop();
    },
  };
}
