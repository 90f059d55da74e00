/**
 * `pnpm tsx tests/bench/rss-baseline.ts [N]`: what one idle connection costs in RSS, layer by layer,
 * to explain the bench's "RSS per connected device" (issue 4). In a child process each time:
 * - net:    a bare Node TCP server holding N sockets (the floor for any Node broker);
 * - broker: our broker (aedes 1.2 + policies) with N devices connected and subscribed, no gateway.
 * The bench's own figure adds the gateway (device and household caches, the retained statuses).
 */
import { fork } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import { topics } from "@helpkey/shared";
import { encodeConnect, encodeSubscribe } from "@helpkey/firmware-sim/fleet/mqtt-codec";

const HELP = `Usage: pnpm tsx tests/bench/rss-baseline.ts [N]   (N idle connections per layer, default 5000)`;

async function child(mode: string): Promise<void> {
  const { createServer } = await import("node:net");
  let port: number;
  if (mode === "net") {
    const server = createServer((s) => s.on("data", () => undefined));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as { port: number }).port;
  } else {
    const { createBroker } = await import("@helpkey/broker");
    const { createLogger } = await import("@helpkey/gateway/logger");
    const broker = await createBroker({
      host: "127.0.0.1", port: 0, logger: createLogger("silent"),
      authenticate: async ({ username }) => (username ? { role: "device", deviceId: username } : null),
    });
    port = broker.port;
  }
  process.send!({ port });
  process.on("message", () => {
    (globalThis as { gc?: () => void }).gc?.();
    setTimeout(() => process.send!({ rss: process.memoryUsage().rss }), 500);
  });
}

async function measure(mode: string, n: number): Promise<number> {
  const cp = fork(fileURLToPath(import.meta.url), ["--child", mode], { execArgv: ["--import", "tsx", "--expose-gc"] });
  const next = () => new Promise<{ port?: number; rss?: number }>((r) => cp.once("message", (m) => r(m as { port?: number; rss?: number })));
  const { port } = await next();
  cp.send("rss");
  const before = (await next()).rss!;
  const sockets = [];
  for (let i = 0; i < n; i++) {
    const id = `rss-${i}`;
    const s = connect({ host: "127.0.0.1", port: port!, localAddress: `127.0.0.${2 + (i % 4)}` });
    s.on("error", () => undefined);
    s.on("connect", () => {
      s.write(encodeConnect({ clientId: id, username: id, password: "x", keepaliveS: 600, will: { topic: topics.status(id), payload: '{"online":false}', qos: 1, retain: true } }));
      s.write(encodeSubscribe(1, [topics.ack(id), topics.cmd(id)]));
    });
    sockets.push(s);
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3000));
  cp.send("rss");
  const after = (await next()).rss!;
  for (const s of sockets) s.destroy();
  cp.kill();
  return (after - before) / n / 1024;
}

if (process.argv[2] === "--child") {
  await child(process.argv[3]!);
} else if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(HELP);
} else {
  const n = Number(process.argv[2] ?? 5000);
  if (!Number.isInteger(n) || n < 100 || n > 19_000) {
    console.error(`N must be a whole number from 100 to 19000\n${HELP}`);
    process.exit(2);
  }
  for (const mode of ["net", "broker"]) console.log(`${mode.padEnd(7)} ${(await measure(mode, n)).toFixed(1)} KiB RSS per idle connection (${n} connections)`);
}
