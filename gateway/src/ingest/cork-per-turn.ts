/**
 * Everything written to a socket in one event-loop turn leaves in one writev, at the end of the turn.
 *
 * mqtt.js writes each packet on its own (mqtt-packet corks only until the next tick), so at 1,000
 * presses/s the gateway's link made a system call for nearly every PUBACK of an alarm and every ack:
 * 6 % of the event loop was writev (bench profile, issue 4). A turn's writes are flushed at the end
 * of its I/O callbacks, first among the turn-end work (store/turn-end.ts): an ack never waits for
 * the commits of the turn it was released in.
 */
import type { Writable } from "node:stream";
import { atTurnEnd } from "../store/turn-end";

const wrapped = new WeakSet<Writable>();

export function corkPerTurn(socket: Writable): void {
  if (wrapped.has(socket)) return;
  wrapped.add(socket);
  const write = socket.write;
  let corked = false;
  const flush = () => {
    corked = false;
    if (!socket.destroyed) socket.uncork();
  };
  socket.write = function (this: Writable, ...args: Parameters<Writable["write"]>) {
    if (!corked && !socket.destroyed) {
      corked = true;
      socket.cork();
      atTurnEnd("link", flush);
    }
    return write.apply(this, args);
  } as Writable["write"];
}
