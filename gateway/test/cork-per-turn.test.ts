/** A turn's writes to the link's socket leave together, in order, once the turn is over. */
import { createServer, connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { corkPerTurn } from "../src/ingest/cork-per-turn";

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function pair(): Promise<{ client: Socket; received: () => string; chunks: () => number }> {
  let data = "";
  let chunks = 0;
  const server = createServer((s) => s.on("data", (d) => ((data += d.toString()), chunks++)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const client = connect({ port: (server.address() as AddressInfo).port, host: "127.0.0.1", noDelay: true });
  await new Promise<void>((r) => client.once("connect", r));
  open.push({ close: () => (client.destroy(), server.close()) });
  return { client, received: () => data, chunks: () => chunks };
}

it("holds a turn's writes until the turn ends, then sends them in one piece and in order", async () => {
  const { client, received, chunks } = await pair();
  corkPerTurn(client);
  corkPerTurn(client); // idempotent: wrapping twice would need two uncorks
  for (let i = 0; i < 50; i++) client.write(`puback-${i};`);
  expect(client.writableCorked).toBe(1);
  expect(client.writableLength).toBeGreaterThan(0); // nothing handed to the kernel yet
  await new Promise((r) => setImmediate(r));
  expect(client.writableCorked).toBe(0);
  const want = Array.from({ length: 50 }, (_, i) => `puback-${i};`).join("");
  const end = Date.now() + 2000;
  while (received() !== want && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  expect(received()).toBe(want);
  expect(chunks()).toBe(1);

  // the next turn's writes go out in their own piece
  client.write("ack-1;");
  await new Promise((r) => setImmediate(r));
  while (received() !== `${want}ack-1;` && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  expect(received()).toBe(`${want}ack-1;`);
});
