/**
 * The login flood of `login-flood.ts`, as a process of its own so that its CPU is not the
 * measurer's: wrong passwords for one username at a steady rate, from one source address or spread
 * over many (127.0.0.x), each address on its own keep-alive connections. Reports every answer's status.
 *
 *   argv: <http url> <requests per second> <source addresses> <seconds> <username>
 */
import { Agent, request } from "node:http";

const [url, rateArg, sourcesArg, secondsArg, username] = process.argv.slice(2);
const rate = Number(rateArg);
const sources = Number(sourcesArg);
const seconds = Number(secondsArg);
const u = new URL(url!);
const agents = Array.from({ length: sources }, (_, i) => new Agent({ keepAlive: true, maxSockets: 4, localAddress: `127.0.0.${2 + (i % 250)}` }));
const statuses = new Map<number, number>();
let sent = 0;
let inFlight = 0;
const body = JSON.stringify({ username, password: "not-the-password" });

function fire(i: number): void {
  sent++;
  inFlight++;
  const req = request({ host: u.hostname, port: u.port, method: "POST", path: "/api/session", agent: agents[i % sources], headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on("end", () => {
      inFlight--;
      statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
    });
  });
  req.on("error", () => {
    inFlight--;
    statuses.set(0, (statuses.get(0) ?? 0) + 1);
  });
  req.end(body);
}

const start = performance.now();
let i = 0;
// paced in 10 ms steps: what is due by now is sent now
const timer = setInterval(() => {
  const due = Math.floor(((performance.now() - start) / 1000) * rate);
  while (i < due) fire(i++);
  if (performance.now() - start >= seconds * 1000) {
    clearInterval(timer);
    const waitEnd = setInterval(() => {
      if (inFlight > 0 && performance.now() - start < (seconds + 15) * 1000) return;
      clearInterval(waitEnd);
      process.send!({ t: "done", sent, seconds: (performance.now() - start) / 1000, statuses: Object.fromEntries(statuses) });
      for (const a of agents) a.destroy();
      setTimeout(() => process.exit(0), 50);
    }, 50);
  }
}, 10);
