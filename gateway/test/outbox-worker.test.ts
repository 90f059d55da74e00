/**
 * The outbox worker's decisions on a real SQLite file, sending through a phone channel of the test's
 * own (the PhoneChannel port): due rows go out most urgent first, "too many requests" pauses the whole
 * channel (the other channel goes on), refused credentials keep the row waiting where a permanent
 * refusal fails it. Time is the test's: a pause ends only when the test moves the clock.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { handleAlarm } from "../src/alerts/press-flow";
import { createMetrics } from "../src/metrics/metrics";
import { OutboxWorker } from "../src/notify/outbox-worker";
import type { CallRequest, PhoneChannel, SmsRequest } from "../src/notify/phone-channel";
import { createTurnEnd } from "../src/store/turn-end";
import { openFixture, press, type Fixture } from "./alert-fixture";

const T0 = 1_700_000_000_000;

/** Records every request; `failSms` decides the answer to each text (undefined: accepted). */
class TestChannel implements PhoneChannel {
  readonly sms: SmsRequest[] = [];
  readonly calls: CallRequest[] = [];
  failSms: (req: SmsRequest, n: number) => unknown = () => undefined;
  private n = 0;
  async sendSms(req: SmsRequest) {
    this.sms.push(req);
    const err = this.failSms(req, ++this.n);
    if (err) throw err;
    return { sid: `SM${this.n}` };
  }
  async startCall(req: CallRequest) {
    this.calls.push(req);
    return { sid: `CA${this.calls.length}` };
  }
  async hangUp() {}
  async redirect() {}
}

let f: Fixture;
let worker: OutboxWorker | undefined;
let clock = T0;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  f?.close();
});

const providerError = (status: number, code: number) => Object.assign(new Error(`provider said ${status}`), { status, code });

async function until<T>(fn: () => T, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + 5_000;
  for (;;) {
    const v = fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function start(channel: TestChannel, o: { maxAttempts?: number } = {}) {
  const metrics = createMetrics();
  const health = { broken: [] as string[], fine: 0 };
  worker = new OutboxWorker({
    ctx: f.ctx, channel, logger: pino({ level: "silent" }), metrics, now: () => clock, dispatch: () => undefined,
    turnEnd: createTurnEnd(), publicUrl: "http://gateway.test", loopUtilization: () => 0,
    provider: { fine: () => void health.fine++, broken: (p) => void health.broken.push(p) },
    rates: { smsPerSecond: 1_000, callsPerSecond: 1_000, maxInFlight: 1 },
    senders: { sms: ["+10000000000"], smsPoolSize: 1, calls: ["+10000000000"] },
    ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
  });
  worker.start();
  return { metrics, health };
}

function raise(deviceId: string, kind: "fire" | "emergency" | "service", at = T0): number {
  return f.inTx(() => {
    const r = handleAlarm(f.ctx, deviceId, press(1, at, { kind }), at);
    if (!r.ok) throw new Error(r.code);
    return r.effects.acks[0]!.ack.alertId;
  });
}
const smsRow = (phone: string) => f.rows("SELECT status, attempts, last_error AS lastError, next_attempt_at AS nextAt FROM notifications WHERE channel = 'sms' AND to_phone = ?", phone)[0] as
  { status: string; attempts: number; lastError: string | null; nextAt: number } | undefined;

describe("outbox worker", () => {
  it("sends due rows most urgent first: fire, then emergency, then a service request", async () => {
    // T0 is 06:13 in Shanghai, inside the default quiet hours that hold service texts: moved out of the way
    f = openFixture({ contacts: [{ name: "E", phone: "+8613800000011", priority: 1 }], policy: { quietHours: { from: "12:00", to: "12:01" } } });
    const fire = f.addHousehold([{ name: "F", phone: "+8613800000012", priority: 1 }]);
    const service = f.addHousehold([{ name: "S", phone: "+8613800000013", priority: 1, relation: "grid worker" }]);
    // pressed in the opposite order of urgency, all before the worker looks
    raise(service.deviceId, "service");
    raise(f.deviceId, "emergency");
    raise(fire.deviceId, "fire");
    const channel = new TestChannel();
    start(channel);
    await until(() => channel.sms.length === 3 && channel.calls.length === 2, "three texts and two calls");
    expect(channel.sms.map((s) => s.to)).toEqual(["+8613800000012", "+8613800000011", "+8613800000013"]);
    expect(channel.calls.map((c) => c.to)).toEqual(["+8613800000012", "+8613800000011"]);
    expect(channel.sms[0]).toMatchObject({ statusCallback: expect.stringMatching(/^http:\/\/gateway\.test\/twilio\/sms-status\/\d+$/), validityPeriodS: 600 });
    await until(() => ["+8613800000011", "+8613800000012", "+8613800000013"].every((p) => smsRow(p)?.status === "sent"), "the replies stored");
  });

  it("`too many requests` pauses the texts, not the calls; the row and those behind it go out when the pause ends", async () => {
    f = openFixture({ contacts: [{ name: "A", phone: "+8613800000021", priority: 1 }] });
    const b = f.addHousehold([{ name: "B", phone: "+8613800000022", priority: 1 }]);
    const channel = new TestChannel();
    channel.failSms = (_req, n) => (n === 1 ? providerError(429, 20429) : undefined);
    raise(f.deviceId, "emergency");
    const { metrics } = start(channel);
    const refused = await until(() => { const r = smsRow("+8613800000021"); return r?.lastError?.includes("20429") ? r : undefined; }, "A's text refused");
    expect(refused).toMatchObject({ status: "queued", attempts: 1 });
    expect(worker!.status().sms.pausedUntil).toBeGreaterThan(clock);
    expect((await metrics.registry.getSingleMetric("hk_outbox_paused_total")!.get()).values).toEqual([expect.objectContaining({ labels: { channel: "sms" }, value: 1 })]);

    // a second alert during the pause: its call goes out (the barrier), its text waits
    raise(b.deviceId, "emergency");
    worker!.wake();
    await until(() => channel.calls.some((c) => c.to === "+8613800000022"), "B's call");
    expect(channel.sms.map((s) => s.to)).toEqual(["+8613800000021"]);
    expect(smsRow("+8613800000022")!.status).toBe("queued");

    clock = worker!.status().sms.pausedUntil!;
    worker!.wake();
    await until(() => channel.sms.length === 3, "both texts after the pause");
    expect(channel.sms.map((s) => s.to)).toEqual(["+8613800000021", "+8613800000021", "+8613800000022"]);
  });

  it("refused credentials keep the row waiting, past the attempts a failure gets; a permanent refusal fails the row", async () => {
    f = openFixture({ contacts: [{ name: "A", phone: "+8613800000031", priority: 1 }] });
    const b = f.addHousehold([{ name: "B", phone: "+8613800000032", priority: 1 }]);
    const channel = new TestChannel();
    channel.failSms = (req) => (req.to === "+8613800000031" ? providerError(401, 20003) : providerError(400, 21211));
    raise(f.deviceId, "emergency");
    raise(b.deviceId, "emergency");
    const { health } = start(channel, { maxAttempts: 1 });
    await until(() => smsRow("+8613800000032")?.status === "failed", "B's text failed");
    expect(smsRow("+8613800000032")!.lastError).toContain("21211");
    const row = (p: (r: NonNullable<ReturnType<typeof smsRow>>) => boolean) => () => { const r = smsRow("+8613800000031"); return r && p(r) ? r : undefined; };
    const first = await until(row((r) => r.attempts === 1 && r.lastError !== null), "A's text refused");
    expect(first.status).toBe("queued");
    expect(health.broken[0]).toMatch(/refused the credentials/);

    clock = first.nextAt; // its retry is due: refused again, and still not failed
    worker!.wake();
    const second = await until(row((r) => r.attempts === 2 && r.status !== "sending"), "A's second try");
    expect(second.status).toBe("queued");
    expect(second.nextAt).toBeGreaterThan(clock);
  });
});
