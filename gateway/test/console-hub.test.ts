/** Console frames: everything one WAL sync releases reaches each console in one write, in commit order, filtered by community. */
import type { WebSocket } from "ws";
import { expect, it } from "vitest";
import type { ConsoleEvent } from "@helpkey/shared";
import { CloseCodes, ConsoleHub, type ConsoleClient } from "../src/console/console-hub";

/** A console's socket as the hub uses it: what was sent, grouped by write (cork … uncork), and how it was closed. */
function fakeConsole(communityIds: number[] | null, userId: number | null = null) {
  const writes: number[][] = [];
  const closed: { code: number; reason: string }[] = [];
  let current: number[] | null = null;
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount: 0,
    send: (text: string) => (current ?? (writes.push([]), writes.at(-1)!)).push((JSON.parse(text) as { n: number }).n),
    close: (code: number, reason: string) => void closed.push({ code, reason }),
    terminate: () => undefined,
  };
  const socket = { cork: () => void (current = []), uncork: () => void (writes.push(current!), (current = null)) };
  const client: ConsoleClient = { ws: ws as unknown as WebSocket, socket, communityIds: communityIds ? new Set(communityIds) : null, userId, sessionId: null };
  return { client, writes, closed, ws };
}

/** No WAL sync here: every batch is released at once, as if by its own sync. */
const atOnce = { afterDurable: (fn: () => void) => fn() };

const event = (n: number, communityId: number): ConsoleEvent => ({ n, type: "alert.pressed", ts: n, communityId, actor: null });

it("sends what one release holds (several batches and a replay) in one write per console, in order, each console its communities", async () => {
  const hub = new ConsoleHub(atOnce);
  const admin = fakeConsole(null);
  const one = fakeConsole([1]);
  hub.add(admin.client);
  hub.add(one.client);
  hub.broadcast([event(1, 1), event(2, 2)]); // the ingest's batch
  hub.broadcast([event(3, 1)]); // the webhooks'
  hub.send(one.client, [event(4, 1)]);
  expect(admin.writes).toEqual([]); // nothing written inside the release itself
  await Promise.resolve();
  expect(admin.writes).toEqual([[1, 2, 3]]);
  expect(one.writes).toEqual([[1, 3, 4]]);

  hub.broadcast([event(5, 2)]);
  await Promise.resolve();
  expect(admin.writes).toEqual([[1, 2, 3], [5]]);
  expect(one.writes).toEqual([[1, 3, 4]]); // community 2 is not theirs: no empty write either
});

it("closes a console whose send buffer passed the limit, and writes nothing more to it", async () => {
  const closedFor: string[] = [];
  const hub = new ConsoleHub({ ...atOnce, sendBufferLimit: 1000, onClosed: (why) => closedFor.push(why) });
  const slow = fakeConsole(null);
  const fine = fakeConsole(null);
  hub.add(slow.client);
  hub.add(fine.client);
  slow.ws.bufferedAmount = 1001;
  hub.broadcast([event(1, 1)]);
  await Promise.resolve();
  expect(slow.closed).toEqual([{ code: CloseCodes.tooSlow, reason: expect.stringContaining("since=N") }]);
  expect(slow.writes).toEqual([]);
  expect(fine.writes).toEqual([[1]]);
  expect(hub.size()).toBe(1);
  expect(closedFor).toEqual(["too_slow"]);
});

it("revokes the consoles a predicate picks, at once, with the code that sends the console back to its login", () => {
  const hub = new ConsoleHub(atOnce);
  const a = fakeConsole([1], 7);
  const b = fakeConsole([1], 8);
  hub.add(a.client);
  hub.add(b.client);
  expect(hub.revoke((c) => c.userId === 7, "account disabled")).toBe(1);
  expect(a.closed).toEqual([{ code: CloseCodes.revoked, reason: "account disabled" }]);
  expect(b.closed).toEqual([]);
  expect(hub.size()).toBe(1);
});
