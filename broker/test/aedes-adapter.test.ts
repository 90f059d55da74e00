/**
 * The library behaviour that src/aedes-adapter.ts relies on, checked against a real aedes instance
 * on a real TCP socket: when an upgrade of aedes or aedes-persistence changes it, this fails first.
 */
import { connect as netConnect, createServer, type AddressInfo, type Server } from "node:net";
import { Aedes, type AedesOptions, type Client } from "aedes";
import memory from "aedes-persistence";
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { AedesPacket, PERSISTENCE_METHODS, connectionErrorKind, memoryPersistenceWith, replaceWaitForDrain, type DrainCallback, type PersistenceMethods } from "../src/aedes-adapter";
import { boundedMemoryPersistence } from "../src/offline-queue";

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

async function startAedes(opts: AedesOptions = {}): Promise<{ aedes: Aedes; url: string }> {
  const aedes = await Aedes.createBroker(opts);
  const server: Server = createServer({ noDelay: true }, (socket) => aedes.handle(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  open.push(
    () => new Promise<void>((resolve) => aedes.close(() => resolve())),
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
  return { aedes, url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function connect(url: string, clientId: string, clean = true): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId, clean, reconnectPeriod: 0 });
  open.push(() => c.endAsync(true));
  return c;
}

/** The aedes Client object of the next client that connects. */
function nextClient(aedes: Aedes): Promise<Client> {
  return new Promise((resolve) => aedes.once("client", resolve));
}

function publish(aedes: Aedes, topic: string, payload: string | Buffer, retain = false): Promise<void> {
  return new Promise((resolve, reject) =>
    aedes.publish({ cmd: "publish", topic, payload, qos: 1, retain, dup: false }, (err) => (err ? reject(err) : resolve())),
  );
}

describe("aedes: waitForDrain", () => {
  it("is a client method of one argument", async () => {
    const { aedes, url } = await startAedes();
    const client = nextClient(aedes);
    await connect(url, "probe");
    const waitForDrain = (await client as unknown as Record<string, unknown>).waitForDrain;
    expect(typeof waitForDrain).toBe("function");
    expect((waitForDrain as (cb: DrainCallback) => void).length).toBe(1);
  });

  it("is what aedes calls, per client, when a write finds the socket full", async () => {
    // without the replacement aedes drops the client after this, and the loop below runs out
    const { aedes, url } = await startAedes({ drainTimeout: 100 });
    const client = nextClient(aedes);
    const slow = await connect(url, "slow");
    await slow.subscribeAsync("t", { qos: 1 });
    let waits = 0;
    replaceWaitForDrain(await client, (cb) => {
      waits++;
      setImmediate(cb, null);
    });
    slow.stream.pause();

    // far more than loopback socket buffers hold; the bound only stops a runaway loop
    const payload = Buffer.alloc(64 * 1024, "z");
    for (let i = 0; i < 2_000 && waits === 0; i++) await publish(aedes, "t", payload);
    expect(waits).toBeGreaterThan(0);
  });
});

describe("aedes-persistence: the memory store's methods aedes calls promise-style", () => {
  it("has every method we replace, in its callback form", () => {
    const base = memory() as unknown as Record<string, unknown>;
    for (const name of PERSISTENCE_METHODS) expect(typeof base[name], name).toBe("function");
    expect(new AedesPacket({ topic: "t", payload: "x" })).toMatchObject({ topic: "t", payload: "x", brokerId: undefined });
  });

  it("aedes calls the replaced methods without a callback and uses their promises and streams", async () => {
    const inner = boundedMemoryPersistence(100, { dropped: () => {} }) as PersistenceMethods;
    const calls: Array<{ name: string; callback: boolean }> = [];
    const recorded = Object.fromEntries(
      PERSISTENCE_METHODS.map((name) => [
        name,
        (...args: unknown[]) => {
          calls.push({ name, callback: args.some((a) => typeof a === "function") });
          return (inner[name] as (...a: unknown[]) => unknown)(...args);
        },
      ]),
    ) as unknown as PersistenceMethods;
    const { aedes, url } = await startAedes({ persistence: memoryPersistenceWith(recorded) as AedesOptions["persistence"] });

    // a persistent session receives a message, acknowledges it, then one queued while it is away
    const first = await connect(url, "persistent", false);
    await first.subscribeAsync("q", { qos: 1 });
    const got = new Promise<string>((resolve) => first.once("message", (_t, p) => resolve(p.toString())));
    await publish(aedes, "q", "online");
    expect(await got).toBe("online");
    await first.endAsync();
    await publish(aedes, "q", "queued");
    // listening before the CONNACK: the queued message follows it at once
    const again = mqtt.connect(url, { clientId: "persistent", clean: false, reconnectPeriod: 0 });
    open.push(() => again.endAsync(true));
    expect(await new Promise<string>((resolve) => again.once("message", (_t, p) => resolve(p.toString())))).toBe("queued");

    // a retained message reaches a later subscriber through the retained stream
    await publish(aedes, "r", "kept", true);
    const later = await connect(url, "later");
    const retained = new Promise<string>((resolve) => later.once("message", (_t, p) => resolve(p.toString())));
    await later.subscribeAsync("r", { qos: 1 });
    expect(await retained).toBe("kept");

    const names = new Set(calls.map((c) => c.name));
    for (const name of ["outgoingEnqueueCombi", "outgoingUpdate", "outgoingClearMessageId", "outgoingStream", "storeRetained", "createRetainedStreamCombi"]) {
      expect(names, name).toContain(name);
    }
    expect(calls.filter((c) => c.callback)).toEqual([]);
  });
});

describe("aedes: the errors that end a connection", () => {
  /** Opens a raw socket, writes `bytes` (if any), and resolves with the error aedes reports for it. */
  async function errorFor(opts: AedesOptions, bytes: Buffer | null): Promise<Error> {
    const { aedes, url } = await startAedes(opts);
    const reported = new Promise<Error>((resolve) => {
      aedes.once("connectionError", (_c, err) => resolve(err));
      aedes.once("clientError", (_c, err) => resolve(err));
    });
    const socket = netConnect({ port: Number(new URL(url).port), host: "127.0.0.1" });
    socket.on("error", () => undefined);
    open.push(async () => void socket.destroy());
    if (bytes) socket.write(bytes);
    return reported;
  }

  it("names a CONNECT that never came by a message of its own", async () => {
    const err = await errorFor({ connectTimeout: 100 }, null);
    expect(connectionErrorKind(err)).toBe("connect_timeout");
  });

  it("reports bytes mqtt-packet refuses with no errno code and no return code", async () => {
    // a CONNECT (type 1) with the reserved flag bits set [MQTT-2.2.2-2]
    const err = await errorFor({}, Buffer.from([0x1f, 0x00]));
    expect(connectionErrorKind(err)).toBe("protocol");
  });

  it("reports a first packet that is not CONNECT the same way [MQTT-3.1.0-1]", async () => {
    const err = await errorFor({}, Buffer.from([0xc0, 0x00])); // PINGREQ
    expect(connectionErrorKind(err)).toBe("protocol");
  });

  it("gives a socket's own failure its errno code", () => {
    expect(connectionErrorKind(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))).toBe("other");
    expect(connectionErrorKind(new Error("keep alive timeout"))).toBe("other");
  });
});
