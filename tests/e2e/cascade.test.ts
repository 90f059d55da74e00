/**
 * The call cascade with press-1 claims, against the real twilio SDK and the phone-network emulator
 * whose simulated people answer, ignore, go to voicemail or press keys. Timings are shortened per
 * community (policy), as a drill would.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AlertView, NotificationView } from "@helpkey/shared";
import { pressBarrier, withoutBarrier } from "../helpers/barrier";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

type Detail = AlertView & { notifications: NotificationView[]; events: { type: string; actor: string | null }[] };
const detail = async (id: number) => (await sys!.api<Detail>("GET", `/api/alerts/${id}`)).body;

describe("the call cascade", () => {
  it("first contact answers after 5 s and presses 1: claimed by them, others told, no further calls, the device shows who", async () => {
    sys = await startTestSystem({ phoneSpeed: 5 });
    const home = await createHousehold(sys.api, {
      contacts: [
        { name: "Daughter Wang", phone: "+8613811110001", priority: 1 },
        { name: "Son Wang", phone: "+8613811110002", priority: 2 },
        { name: "Neighbour Liu", phone: "+8613811110003", priority: 3, language: "zh-CN" },
      ],
    });
    sys.phone!.setPerson("+8613811110001", { answerAfterS: 5, press: "1", pressAfterS: 1 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { seq } = device.press();
      const received = await device.waitForAck(seq, "received", 5000);
      const acked = await device.waitForAck(seq, "acknowledged", 10_000);
      expect(acked).toMatchObject({ alertId: received.alertId, state: "acknowledged", by: "Daughter Wang" });

      const a = await detail(received.alertId);
      expect(a).toMatchObject({ state: "acknowledged", acknowledgedBy: "Daughter Wang" });
      const phone = sys.phone!;
      await waitFor(() => phone.messages.filter((m) => /is on the way|正在前往/.test(m.body)).length >= 2, 5000, "'is on the way' texts");
      const going = phone.messages.filter((m) => /is on the way|正在前往/.test(m.body));
      expect(going.map((m) => m.to).sort()).toEqual(["+8613811110002", "+8613811110003"]);
      expect(going.find((m) => m.to === "+8613811110002")!.body).toContain("Daughter Wang is on the way");
      expect(going.find((m) => m.to === "+8613811110003")!.body).toContain("Daughter Wang正在前往");
      // The alarm SMS carry a validity period of at most 600 s.
      const alarms = phone.messages.filter((m) => m.body.includes(`#${received.alertId}`) && !/is on the way|正在前往/.test(m.body));
      expect(alarms).toHaveLength(3);
      for (const m of alarms) expect(m.validityPeriod).toBeLessThanOrEqual(600);

      // The call: Gather around the prompt, said twice, in the contact's language; the key press claimed it.
      const call = phone.calls.find((c) => c.to === "+8613811110001")!;
      expect(call.digits).toBe("1");
      expect(call.said.filter((t) => t.includes("Press 1 if you are going"))).toHaveLength(2);
      expect(call.speech[0]).toMatchObject({ language: "en-US" });
      // no further calls: another household's later press reaches the phone network first
      const barrier = await pressBarrier(sys);
      expect(withoutBarrier(phone.calls, barrier).map((c) => c.to)).toEqual(["+8613811110001"]);
      const timeline = (await detail(received.alertId)).notifications.filter((n) => n.channel === "call");
      expect(timeline.map((n) => [n.contactName, n.status])).toEqual([["Daughter Wang", "pressed1"]]);
    } finally {
      await device.close();
    }
  });

  it("first wave never answers, the second wave's contact presses 1: claimed by the second; the timeline shows both", async () => {
    sys = await startTestSystem();
    // a wave timeout longer than the test may take: the second wave is reached only by the first one ending
    const home = await createHousehold(sys.api, {
      policy: { ringTimeoutS: 1, waveTimeoutS: 600, supervisorAfterS: 600 },
      contacts: [
        { name: "Daughter", phone: "+8613822220001", priority: 1 },
        { name: "Neighbour", phone: "+8613822220002", priority: 2 },
      ],
    });
    sys.phone!.setPerson("+8613822220001", { never: true });
    sys.phone!.setPerson("+8613822220002", { answerAfterS: 0.3, press: "1", pressAfterS: 0.2 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { seq } = device.press();
      const acked = await device.waitForAck(seq, "acknowledged", 10_000);
      expect(acked.by).toBe("Neighbour");
      const calls = (await detail(acked.alertId)).notifications.filter((n) => n.channel === "call");
      expect(calls.map((n) => [n.contactName, n.wave, n.status])).toEqual([["Daughter", 1, "no-answer"], ["Neighbour", 2, "pressed1"]]);
      // The first wave ended with no answer, so the second was called then, not after the wave timeout.
      const phone = sys.phone!;
      const first = phone.calls.find((c) => c.to === "+8613822220001")!;
      const second = phone.calls.find((c) => c.to === "+8613822220002")!;
      expect(first.statuses).toContain("no-answer");
      expect(second.at).toBeGreaterThanOrEqual(first.endedAt!);
    } finally {
      await device.close();
    }
  });

  it("voicemail everywhere is never an answer: rounds repeat and the supervisor is called", async () => {
    sys = await startTestSystem();
    const home = await createHousehold(sys.api, {
      policy: { ringTimeoutS: 2, waveTimeoutS: 2, supervisorAfterS: 3, maxRounds: 5 },
      supervisorPhone: "+8613933330009",
      contacts: [
        { name: "A", phone: "+8613833330001", priority: 1 },
        { name: "B", phone: "+8613833330002", priority: 2 },
      ],
    });
    for (const p of ["+8613833330001", "+8613833330002", "+8613933330009"]) sys.phone!.setPerson(p, { voicemail: true, answerAfterS: 0.2 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const ack = await device.waitForAck(device.press().seq, "received", 5000);
      const phone = sys.phone!;
      const a = await waitFor(async () => {
        const d = await detail(ack.alertId);
        const ofA = d.notifications.filter((n) => n.channel === "call" && n.contactName === "A");
        return ofA.length >= 2 && ofA[0]!.status === "voicemail" && d.notifications.some((n) => n.purpose === "supervisor") ? d : null;
      }, 15_000, "A's first call classified as voicemail, a second round, and the supervisor");
      expect(a.state).toBe("open");
      const calls = a.notifications.filter((n) => n.channel === "call");
      // Nobody "answered": every call picked up ends as voicemail, never as a claim.
      expect(calls.some((n) => n.status === "pressed1")).toBe(false);
      expect(a.events.some((e) => e.type === "alert.acknowledged")).toBe(false);
      // A voicemail is hung up by the gateway once the machine is detected, not left to play the
      // message to its end: a hang-up row aimed at the call, sent. The hang-up is a webhook and a
      // request away, so wait for the calls already classified to end.
      const machines = phone.calls.filter((c) => c.answeredBy === "machine_start");
      expect(machines.length).toBeGreaterThanOrEqual(1);
      await waitFor(() => (machines.every((c) => c.endedAt !== undefined) ? true : null), 5000, "every call answered by a machine ended");
      // The call ends at the emulator before the gateway has read the hang-up's response, so wait
      // for every hang-up row to leave "sending" before reading them.
      const db = sys.ctx.db;
      const controlRows = () => db.$client.prepare("SELECT target_sid AS sid, status FROM notifications WHERE channel = 'control'").all() as { sid: string; status: string }[];
      const hangUps = await waitFor(() => {
        const rows = controlRows();
        return machines.every((c) => rows.some((h) => h.sid === c.sid && h.status !== "sending" && h.status !== "queued")) ? rows : null;
      }, 5000, "every hang-up's response read");
      for (const c of machines) {
        expect(c.status).toBe("completed");
        expect(hangUps.filter((h) => h.sid === c.sid).map((h) => h.status)).toEqual(["sent"]);
      }
      const sup = phone.calls.find((c) => c.to === "+8613933330009")!;
      expect(sup.at - a.firstPressAt).toBeGreaterThanOrEqual(3000);
    } finally {
      await device.close();
    }
  });

  it("two contacts press 1 at the same instant: exactly one claim", async () => {
    sys = await startTestSystem();
    const home = await createHousehold(sys.api, {
      contacts: [
        { name: "Twin A", phone: "+8613844440001", priority: 1 },
        { name: "Twin B", phone: "+8613844440002", priority: 1 },
      ],
    });
    for (const p of ["+8613844440001", "+8613844440002"]) sys.phone!.setPerson(p, { answerAfterS: 0.2, press: "1", pressAfterS: 0.1 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { seq } = device.press();
      const acked = await device.waitForAck(seq, "acknowledged", 10_000);
      const phone = sys.phone!;
      // Both answered and pressed 1 within 0.1 s: one wins; the other hears who is going (the gateway
      // ends their call with that message, or answers their key press with it, whichever comes first).
      await waitFor(() => phone.calls.length === 2 && phone.calls.every((c) => c.said.length >= 3), 8000, "both heard the outcome");
      const a = await detail(acked.alertId);
      expect(a.events.filter((e) => e.type === "alert.acknowledged")).toHaveLength(1);
      expect(["Twin A", "Twin B"]).toContain(a.acknowledgedBy);
      const loser = phone.calls.find((c) => !c.to.endsWith(a.acknowledgedBy === "Twin A" ? "0001" : "0002"))!;
      expect(loser.said.at(-1)).toContain(`${a.acknowledgedBy} is already going`);
      const winner = phone.calls.find((c) => c !== loser)!;
      expect(winner.digits).toBe("1");
      expect(winner.said.at(-1)).toContain("Everyone has been told you are going");
      await waitFor(() => phone.messages.some((m) => m.body.includes("is on the way")), 5000, "'is on the way' SMS");
      const going = phone.messages.filter((m) => m.body.includes("is on the way"));
      expect(going).toHaveLength(1);
      expect(going[0]!.to).toBe(loser.to);
    } finally {
      await device.close();
    }
  });

  it("an SMS reply '1' claims like a key press", async () => {
    sys = await startTestSystem();
    const home = await createHousehold(sys.api, {
      contacts: [{ name: "Texter", phone: "+8613855550001", priority: 1 }, { name: "Caller", phone: "+8613855550002", priority: 2 }],
    });
    sys.phone!.setPerson("+8613855550001", { never: true, replySms: "1", replyAfterS: 0.2 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const acked = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
      expect(acked.by).toBe("Texter");
    } finally {
      await device.close();
    }
  });
});

describe("provider failures", () => {
  it("the emulator answers 429 to the first requests: every SMS and call still goes out, in order of priority", async () => {
    sys = await startTestSystem();
    const home = await createHousehold(sys.api, {
      contacts: [
        { name: "P1", phone: "+8613866660001", priority: 1 },
        { name: "P2", phone: "+8613866660002", priority: 2 },
        { name: "P3", phone: "+8613866660003", priority: 3 },
      ],
    });
    const phone = sys.phone!;
    phone.failNext(4, { status: 429, code: 20429 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const ack = await device.waitForAck(device.press().seq, "received", 5000);
      await waitFor(() => phone.messages.length >= 3 && phone.calls.length >= 1, 15_000, "all sent despite 429s");
      expect(phone.messages.map((m) => m.to)).toEqual(["+8613866660001", "+8613866660002", "+8613866660003"]);
      expect(phone.calls.map((c) => c.to)).toEqual(["+8613866660001"]);
      const a = await detail(ack.alertId);
      const sms = a.notifications.filter((n) => n.channel === "sms");
      expect(sms.every((n) => n.status !== "failed")).toBe(true);
      expect(a.notifications.reduce((s, n) => s + n.attempts, 0)).toBeGreaterThanOrEqual(4 + 4);
      expect(new Set(phone.messages.map((m) => m.to)).size).toBe(phone.messages.length);
    } finally {
      await device.close();
    }
  });

  it("a permanent failure (invalid number) is marked failed and shown on the console", async () => {
    sys = await startTestSystem();
    const home = await createHousehold(sys.api, { contacts: [{ name: "Bad", phone: "+8613877770001", priority: 1 }, { name: "Good", phone: "+8613877770002", priority: 1 }] });
    sys.phone!.setPerson("+8613877770001", { invalid: true });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const ack = await device.waitForAck(device.press().seq, "received", 5000);
      // (An empty list is truthy: wait for the rows themselves.)
      const failed = await waitFor(async () => {
        const rows = (await detail(ack.alertId)).notifications.filter((n) => n.status === "failed");
        return rows.length === 2 ? rows : null;
      }, 5000, "the SMS and the call to the invalid number failed");
      expect(failed[0]!.lastError).toContain("21211");
      expect(sys.phone!.messages.map((m) => m.to)).toEqual(["+8613877770002"]);
    } finally {
      await device.close();
    }
  });
});
