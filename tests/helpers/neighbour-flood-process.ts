/** The neighbour's flood (neighbour-flood.ts) as a forked process: argv[2] its options; IPC commands flood, pause, counts, stop. */
import { flooder, type FloodCommand, type FloodOptions } from "./neighbour-flood";

const f = flooder(JSON.parse(process.argv[2]!) as FloodOptions);
process.on("message", (cmd: FloodCommand) => {
  if (cmd === "flood") {
    f.flood();
    process.send!("ok");
  } else if (cmd === "pause") void f.pause().then(() => process.send!("ok"));
  else if (cmd === "counts") process.send!(f.counts());
  else void f.pause().then(() => process.exit(0));
});
// the test that started it is gone: never linger as an orphan flooding the next one
process.on("disconnect", () => process.exit(0));
process.send!("ready");
