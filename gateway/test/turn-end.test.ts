/** The end-of-turn lanes: the ingest's commit first, whatever order the turn's work arrived in. */
import { expect, it } from "vitest";
import { atTurnEnd } from "../src/store/turn-end";

it("runs a turn's work once each, ingest before the webhooks' batch before the outbox", async () => {
  const ran: string[] = [];
  const outbox = () => ran.push("outbox");
  atTurnEnd("outbox", outbox);
  atTurnEnd("writes", () => ran.push("writes"));
  atTurnEnd("outbox", outbox); // woken twice in one turn: one tick
  atTurnEnd("ingest", () => ran.push("ingest"));
  expect(ran).toEqual([]); // nothing before the turn ends
  await new Promise((r) => setImmediate(r));
  expect(ran).toEqual(["ingest", "writes", "outbox"]);

  // work queued while the lanes run (an effect waking the outbox) still runs, after it
  atTurnEnd("ingest", () => {
    ran.push("ingest 2");
    atTurnEnd("outbox", outbox);
  });
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(ran).toEqual(["ingest", "writes", "outbox", "ingest 2", "outbox"]);
});
