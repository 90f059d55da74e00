/** The end-of-turn lanes: the ingest's commit first, whatever order the turn's work arrived in; each system its own. */
import { expect, it } from "vitest";
import { createTurnEnd } from "../src/store/turn-end";

const nextTurn = () => new Promise((r) => setImmediate(r));

it("runs a turn's work once each, ingest before the webhooks' batch before the outbox", async () => {
  const turnEnd = createTurnEnd();
  const ran: string[] = [];
  const outbox = () => ran.push("outbox");
  turnEnd.at("outbox", outbox);
  turnEnd.at("writes", () => ran.push("writes"));
  turnEnd.at("outbox", outbox); // woken twice in one turn: one tick
  turnEnd.at("ingest", () => ran.push("ingest"));
  expect(ran).toEqual([]); // nothing before the turn ends
  await nextTurn();
  expect(ran).toEqual(["ingest", "writes", "outbox"]);

  // work queued while the lanes run (an effect waking the outbox) still runs, after it
  turnEnd.at("ingest", () => {
    ran.push("ingest 2");
    turnEnd.at("outbox", outbox);
  });
  await nextTurn();
  await nextTurn();
  expect(ran).toEqual(["ingest", "writes", "outbox", "ingest 2", "outbox"]);
});

it("keeps two systems' lanes apart: one's ingest never runs inside, or waits for, the other's turn end", async () => {
  const a = createTurnEnd();
  const b = createTurnEnd();
  const ran: string[] = [];
  const shared = () => ran.push("shared");
  // the same function queued on both runs once on each: the queues are not one
  a.at("outbox", shared);
  b.at("outbox", shared);
  a.at("outbox", () => {
    ran.push("a outbox");
    // queued on b while a's lanes run: b's own turn end runs it, not a's
    b.at("ingest", () => ran.push("b ingest"));
  });
  b.at("writes", () => ran.push("b writes"));
  await nextTurn();
  // a's turn end in full (its lanes hold only its own work), then b's, whose ingest still comes first
  expect(ran).toEqual(["shared", "a outbox", "b ingest", "b writes", "shared"]);
});
