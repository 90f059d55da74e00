/**
 * MQTT inputs a broker must survive, generated with fast-check and encoded with mqtt-packet, and a
 * runner that sends each on a connection of its own, many at once.
 * Kinds: random bytes; every packet type with fuzzed fields (mqtt-packet's generate); those packets
 * truncated, with a wrong Remaining Length, with a flipped byte, or several in one write. A share of
 * them is sent after a good CONNECT of a fuzz device, so the logged-in paths (ACL, size and rate
 * checks, the gateway's ingest) see them too. Alarms on a device's own topic are always invalid,
 * so that no input may store an alarm.
 */
import { connect as netConnect } from "node:net";
import fc from "fast-check";
import { generate, type Packet } from "mqtt-packet";
import { topics } from "@helpkey/shared";

export interface FuzzDevice {
  id: string;
  secret: string;
}

export interface MqttInput {
  kind: string;
  bytes: Buffer;
  /** Log in as this device first (a valid CONNECT, CONNACK awaited). */
  as?: FuzzDevice;
}

export type Outcome = "closed" | "left-open" | "login-refused" | "no-connection";

const topicArb = (own: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom("", "#", "+", "/", "$SYS/broker", topics.allAlarms, topics.everyDevice, topics.alarm("other"), topics.ack("x"), "a/\u0000/b", "../../etc"),
    fc.constantFrom(...own.flatMap((id) => [topics.alarm(id), topics.status(id), topics.event(id), topics.ack(id), topics.cmd(id)])),
  );

/** An alarm a schema must refuse: one field of a good alarm broken, or no JSON object at all. */
const badAlarmArb = fc.oneof(
  fc.record({
    seq: fc.oneof(fc.constant(-1), fc.string(), fc.constant(1.5), fc.constant(null)),
    ts: fc.integer({ max: -1 }),
    action: fc.constant("raise"),
    kind: fc.constant("emergency"),
    trigger: fc.constant("button"),
  }),
  fc.record({ seq: fc.nat(), ts: fc.integer(), action: fc.string({ maxLength: 8 }).filter((a) => !["raise", "cancel", "test"].includes(a)), kind: fc.constant("fire"), trigger: fc.constant("button") }),
  fc.record({ seq: fc.nat(), action: fc.constant("raise") }),
  fc.oneof(fc.array(fc.anything(), { maxLength: 5 }), fc.string(), fc.integer(), fc.constant(null)),
).map((v) => JSON.stringify(v) ?? "null");

const payloadArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
  fc.json({ maxDepth: 3 }),
  badAlarmArb,
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.nat({ max: 70_000 }).map((n) => "x".repeat(n)),
);

const id16 = fc.integer({ min: 1, max: 65535 });
const qos = fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>;

function packetArb(own: string[]): fc.Arbitrary<Packet> {
  const topic = topicArb(own);
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom(...own, "svc:gateway"));
  return fc.oneof(
    fc.record({
      cmd: fc.constant("connect" as const), protocolId: fc.constantFrom("MQTT", "MQIsdp", "MQTX", ""), protocolVersion: fc.constantFrom(3, 4, 5, 0, 255),
      clean: fc.boolean(), keepalive: fc.integer({ min: 0, max: 65535 }), clientId: text,
      username: fc.option(text, { nil: undefined }), password: fc.option(fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)), { nil: undefined }),
      will: fc.option(fc.record({ topic, payload: payloadArb.map((p) => Buffer.from(p)), qos, retain: fc.boolean() }), { nil: undefined }),
    }),
    fc.record({ cmd: fc.constant("publish" as const), topic, payload: payloadArb, qos, retain: fc.boolean(), dup: fc.boolean(), messageId: id16 }),
    fc.record({ cmd: fc.constant("subscribe" as const), messageId: id16, subscriptions: fc.array(fc.record({ topic, qos }), { minLength: 1, maxLength: 5 }) }),
    fc.record({ cmd: fc.constant("unsubscribe" as const), messageId: id16, unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 5 }) }),
    fc.record({ cmd: fc.constantFrom("puback" as const, "pubrec" as const, "pubrel" as const, "pubcomp" as const, "unsuback" as const), messageId: id16 }),
    fc.record({ cmd: fc.constant("connack" as const), returnCode: fc.integer({ min: 0, max: 255 }), sessionPresent: fc.boolean() }),
    fc.record({ cmd: fc.constant("suback" as const), messageId: id16, granted: fc.array(fc.constantFrom(0, 1, 2, 128), { minLength: 1, maxLength: 4 }) }),
    fc.constantFrom<Packet>({ cmd: "pingreq" }, { cmd: "pingresp" }, { cmd: "disconnect" }),
  ) as fc.Arbitrary<Packet>;
}

/** mqtt-packet refuses some field combinations; what it cannot encode is sent as the bytes fast-check gave instead. */
function encode(packet: Packet, fallback: Uint8Array): Buffer {
  try {
    return generate(packet);
  } catch {
    return Buffer.from(fallback);
  }
}

/** A Remaining Length of 1 to 4 bytes [MQTT-2.2.3], whatever the body really is. */
function withLength(bytes: Buffer, length: number, width: number): Buffer {
  const out: number[] = [];
  let n = length;
  for (let i = 0; i < width; i++) {
    const b = n % 128;
    n = Math.floor(n / 128);
    out.push(i < width - 1 ? b | 0x80 : b);
  }
  let skip = 1;
  while (skip < bytes.length && skip < 5 && (bytes[skip]! & 0x80) !== 0) skip++;
  return Buffer.concat([bytes.subarray(0, 1), Buffer.from(out), bytes.subarray(skip + 1)]);
}

function inputArb(own: string[]): fc.Arbitrary<{ kind: string; bytes: Buffer }> {
  const raw = fc.uint8Array({ minLength: 1, maxLength: 300 });
  const packet = fc.tuple(packetArb(own), raw).map(([p, r]) => ({ cmd: p.cmd, bytes: encode(p, r) }));
  return fc.oneof(
    raw.map((b) => ({ kind: "random bytes", bytes: Buffer.from(b) })),
    packet.map((p) => ({ kind: `${p.cmd}`, bytes: p.bytes })),
    fc.tuple(packet, fc.nat()).map(([p, cut]) => ({ kind: `${p.cmd} truncated`, bytes: p.bytes.subarray(0, cut % Math.max(1, p.bytes.length)) })),
    fc.tuple(packet, fc.integer({ min: 0, max: 268_435_455 }), fc.integer({ min: 1, max: 4 })).map(([p, len, width]) => ({ kind: `${p.cmd} wrong length`, bytes: withLength(p.bytes, len % 128 ** width, width) })),
    fc.tuple(packet, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([p, at, mask]) => {
      const b = Buffer.from(p.bytes);
      if (b.length) b[at % b.length]! ^= mask;
      return { kind: `${p.cmd} flipped`, bytes: b };
    }),
    fc.array(packet, { minLength: 2, maxLength: 6 }).map((ps) => ({ kind: "several packets", bytes: Buffer.concat(ps.map((p) => p.bytes)) })),
  );
}

/** What a logged-in device sends: mostly its own topics (the ingest's input), with bad alarms and any payload. */
function loggedInArb(d: FuzzDevice): fc.Arbitrary<MqttInput> {
  const ownPublish = fc.record({
    cmd: fc.constant("publish" as const),
    topic: fc.constantFrom(topics.alarm(d.id), topics.alarm(d.id), topics.status(d.id), topics.event(d.id)),
    payload: fc.oneof({ weight: 3, arbitrary: badAlarmArb }, { weight: 2, arbitrary: payloadArb }),
    qos: fc.constantFrom(0, 1) as fc.Arbitrary<0 | 1>, retain: fc.boolean(), dup: fc.boolean(), messageId: id16,
  }).map((p) => ({ kind: "publish own topic", bytes: generate(p) }));
  return fc.oneof({ weight: 1, arbitrary: ownPublish }, { weight: 1, arbitrary: inputArb([d.id]) }).map((i) => ({ ...i, kind: `${i.kind} (logged in)`, as: d }));
}

/** `count` inputs from `seed` (print it: the same seed gives the same inputs); 4 in 10 logged in as one of `devices`. */
export function mqttInputs(count: number, seed: number, devices: FuzzDevice[]): MqttInput[] {
  const stranger = inputArb(devices.map((d) => d.id).concat("fuzz"));
  const arb = devices.length
    ? fc.oneof({ weight: 6, arbitrary: stranger }, { weight: 4, arbitrary: fc.constantFrom(...devices).chain(loggedInArb) })
    : stranger;
  return fc.sample(arb as fc.Arbitrary<MqttInput>, { numRuns: count, seed });
}

/** CONNECT of a fuzz device, with a clean session and a Last Will of its own status. */
function loginBytes(d: FuzzDevice): Buffer {
  return generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, keepalive: 60, clientId: d.id, username: d.id, password: Buffer.from(d.secret) });
}

/** Sends one input on a connection of its own; resolves once the broker closed it, or `lingerMs` after the last byte. */
export function sendInput(port: number, input: MqttInput, o: { localAddress?: string; lingerMs?: number } = {}): Promise<Outcome> {
  const linger = o.lingerMs ?? 150;
  return new Promise((resolve) => {
    const socket = netConnect({ host: "127.0.0.1", port, noDelay: true, ...(o.localAddress ? { localAddress: o.localAddress } : {}) });
    let settled = false;
    let connected = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (r: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const payload = () => {
      socket.write(input.bytes);
      timer = setTimeout(() => done("left-open"), linger);
    };
    socket.on("error", () => undefined);
    socket.on("close", () => done(connected ? "closed" : "no-connection"));
    socket.on("connect", () => {
      connected = true;
      if (!input.as) return payload();
      socket.write(loginBytes(input.as));
      // CONNACK: 0x20 0x02 flags code [MQTT-3.2]
      socket.once("data", (d: Buffer) => (d[0] === 0x20 && d[3] === 0 ? payload() : done("login-refused")));
      timer = setTimeout(() => done("login-refused"), 5_000);
    });
  });
}

/** Runs every input, `concurrency` at a time, round-robin over `sources` (127.0.0.x addresses); the outcomes by kind. */
export async function runInputs(port: number, inputs: MqttInput[], o: { concurrency: number; sources: string[]; lingerMs?: number }): Promise<Map<Outcome, number>> {
  const outcomes = new Map<Outcome, number>();
  let next = 0;
  const lane = async () => {
    while (next < inputs.length) {
      const i = next++;
      const r = await sendInput(port, inputs[i]!, { localAddress: o.sources[i % o.sources.length]!, ...(o.lingerMs ? { lingerMs: o.lingerMs } : {}) });
      outcomes.set(r, (outcomes.get(r) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  return outcomes;
}
