/**
 * A forked worker of `pnpm sim fleet` (fleet-coordinator.ts): a FleetWorker behind the child-process
 * IPC channel. A process holds at most 20,000 open files on these machines, so a big fleet is
 * several of these, each on its own source address.
 */
import { FleetWorker } from "./fleet-worker";
import type { FromWorker, ToWorker } from "./worker-protocol";

if (!process.send) throw new Error("fleet-child runs as a forked child (it talks over IPC)");
const worker = new FleetWorker((m: FromWorker) => {
  if (process.connected) process.send!(m);
  // the last message out: let it leave, then end (open sockets would keep the process alive)
  if (m.t === "stopped") setTimeout(() => process.exit(0), 300).unref();
});
process.on("message", (m) => worker.handle(m as ToWorker));
// The coordinator died or closed the channel: never linger as an orphan holding thousands of sockets.
process.on("disconnect", () => {
  worker.stop();
  setTimeout(() => process.exit(0), 300).unref();
});
// Ctrl-C reaches the whole process group; the coordinator decides what happens
process.on("SIGINT", () => undefined);
