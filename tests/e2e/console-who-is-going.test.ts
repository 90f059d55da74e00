/**
 * The console's "who is going" line (dashboard/src/who-is-going.ts), as a pure function: going is said
 * only of a person on the way; a dispatcher's acknowledge is the centre handling it; a call answered
 * and hung up without a key is a warning, not a success.
 */
import { describe, expect, it } from "vitest";
import { whoIsGoing, type GoingAlert, type GoingNote } from "../../dashboard/src/who-is-going";

const at = new Date(2026, 11, 7, 3, 12, 0).getTime();
const open: GoingAlert = { state: "open", goingBy: null, goingVia: null, goingAt: null, acknowledgedBy: null, arrivedAt: null, overdueAt: null };
let nid = 0;
const note = (contactId: number, name: string, channel: "sms" | "call", status: GoingNote["status"], purpose = channel === "sms" ? "alarm" : "call"): GoingNote =>
  ({ id: ++nid, contactId, contactName: name, channel, purpose, status, updatedAt: at });
const keys = (w: ReturnType<typeof whoIsGoing>) => w.parts.map((p) => p.key);

describe("who is going", () => {
  it("nobody reached yet: counts contacts, not messages, and says who is being called", () => {
    const w = whoIsGoing(open, [note(1, "Daughter", "sms", "sent"), note(2, "Son", "sms", "queued"), note(1, "Daughter", "call", "ringing")], at);
    expect(w.tone).toBe("nobody");
    expect(keys(w)).toEqual(["wgNobody", "wgReached", "wgCalling"]);
    expect(w.parts[1]!.vars).toEqual({ n: 0, m: 2 });
    expect(w.parts[2]!.vars).toEqual({ name: "Daughter" });
  });

  it("a delivered text or a picked-up call counts as reached; follow-up texts do not count as contacts", () => {
    const w = whoIsGoing(open, [note(1, "Daughter", "sms", "delivered"), note(2, "Son", "call", "no-answer"), note(3, "Neighbour", "sms", "delivered", "going")], at);
    expect(w.parts[1]!.vars).toEqual({ n: 1, m: 2 });
  });

  it("answered and hung up without a key is amber, not green", () => {
    const w = whoIsGoing(open, [note(1, "Daughter", "call", "completed"), note(2, "Son", "call", "queued")], at);
    expect(w.tone).toBe("warn");
    expect(keys(w)).toEqual(["wgNobody", "wgReached", "wgHungUp"]);
    expect(w.parts[2]!.vars).toEqual({ name: "Daughter" });
    // a key pressed on another call of the same contact is not a hang-up
    expect(whoIsGoing(open, [note(1, "Daughter", "call", "completed"), note(1, "Daughter", "call", "pressed2")], at).tone).toBe("nobody");
  });

  it("claimed by key 1 on a call, or by SMS reply: going, with who and when", () => {
    const key = whoIsGoing({ ...open, state: "acknowledged", acknowledgedBy: "Daughter", goingBy: "Daughter", goingVia: "key", goingAt: at }, [], at);
    expect(key).toEqual({ tone: "going", parts: [{ key: "wgGoingKey", vars: { name: "Daughter", t: "03:12" } }] });
    const sms = whoIsGoing({ ...open, state: "acknowledged", acknowledgedBy: "Son", goingBy: "Son", goingVia: "sms", goingAt: at }, [], at);
    expect(sms.parts[0]!.key).toBe("wgGoingSms");
    expect(sms.tone).toBe("going");
  });

  it("a dispatcher's acknowledge is the centre handling it, never going", () => {
    const w = whoIsGoing({ ...open, state: "acknowledged", acknowledgedBy: "Dispatcher Li" }, [note(1, "Daughter", "sms", "delivered")], at);
    expect(w.tone).toBe("handling");
    expect(w.parts[0]).toEqual({ key: "wgHandling", vars: { by: "Dispatcher Li" } });
    const sent = whoIsGoing({ ...open, state: "responding", acknowledgedBy: "Dispatcher Li" }, [], at);
    expect(sent).toEqual({ tone: "handling", parts: [{ key: "wgDispatched", vars: { by: "Dispatcher Li" } }] });
  });

  it("patrol on the way, then on site; nobody on site in time is back to nobody", () => {
    const patrol = { ...open, state: "responding" as const, acknowledgedBy: "Dispatcher Li", goingBy: "Patrol Wang", goingVia: "patrol" as const, goingAt: at };
    expect(whoIsGoing(patrol, [], at)).toEqual({ tone: "going", parts: [{ key: "wgGoingPatrol", vars: { name: "Patrol Wang", t: "03:12" } }] });
    expect(whoIsGoing({ ...patrol, arrivedAt: at }, [], at).tone).toBe("onsite");
    const overdue = whoIsGoing({ ...patrol, overdueAt: at }, [], at);
    expect(overdue.tone).toBe("nobody");
    expect(overdue.parts[0]!.key).toBe("wgOverdue");
  });

  it("shows the next wave's countdown when the alert carries its time", () => {
    const w = whoIsGoing({ ...open, cascadeDueAt: at + 40_000 }, [note(1, "Daughter", "call", "no-answer")], at);
    expect(w.parts.at(-1)).toEqual({ key: "wgNextCall", vars: { in: "0:40" } });
  });
});
