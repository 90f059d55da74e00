/**
 * The soak's well-behaved device, in a process of its own so that the abuse the soak generates in
 * its own process does not delay this device's acks: argv[2] = {url, id, secret, everyMs}. Presses
 * every `everyMs` and reports each press's time to its ack ([pressed at (hrNow ms), ms] or null when
 * none came within 10 s); "stop" ends it.
 */
import { hrNow } from "@helpkey/firmware-sim/fleet/light-device";
import { connectSim } from "../../helpers/device";

const o = JSON.parse(process.argv[2]!) as { url: string; id: string; secret: string; everyMs: number };
const device = await connectSim(o.url, o.id, o.secret);
let running = true;
process.on("message", () => {
  running = false;
});
process.on("disconnect", () => {
  running = false;
});
process.send!("ready");
while (running) {
  const at = hrNow();
  const t0 = performance.now();
  const ms = await device.waitForAck(device.press().seq, "received", 10_000).then(() => performance.now() - t0, () => null);
  process.send!([at, ms]);
  await new Promise((r) => setTimeout(r, Math.max(0, o.everyMs - (performance.now() - t0))));
}
await device.close();
process.exit(0);
