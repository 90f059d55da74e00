/** Console frames: everything one WAL sync releases reaches each console in one write, in commit order, filtered by community. */
import type { WebSocket } from "ws";
import { expect, it } from "vitest";
import type { ConsoleEvent } from "@helpkey/shared";
import { ConsoleHub, type ConsoleClient } from "../src/console/console-hub";

/** A console's socket as the hub uses it: what was sent, grouped by write (cork … uncork). */
function fakeConsole(communityIds: number[] | null): { client: ConsoleClient; writes: number[][] } {
  const writes: number[][] = [];
  let current: number[] | null = null;
  const ws = {
    OPEN: 1,
    readyState: 1,
    _socket: { cork: () => void (current = []), uncork: () => void (writes.push(current!), (current = null)) },
    send: (text: string) => (current ?? (writes.push([]), writes.at(-1)!)).push((JSON.parse(text) as { n: number }).n),
  };
  return { client: { ws: ws as unknown as WebSocket, communityIds: communityIds ? new Set(communityIds) : null }, writes };
}

const event = (n: number, communityId: number): ConsoleEvent => ({ n, type: "alert.pressed", ts: n, communityId, actor: null });

it("sends what one release holds (several batches and a replay) in one write per console, in order, each console its communities", async () => {
  const hub = new ConsoleHub();
  const admin = fakeConsole(null);
  const one = fakeConsole([1]);
  hub.add(admin.client);
  hub.add(one.client);
  // no WAL sync in this process: each batch is released at once, as by one sync
  hub.broadcast([event(1, 1), event(2, 2)]); // the ingest's batch
  hub.broadcast([event(3, 1)]); // the webhooks'
  ConsoleHub.send(one.client, [event(4, 1)]);
  expect(admin.writes).toEqual([]); // nothing written inside the release itself
  await Promise.resolve();
  expect(admin.writes).toEqual([[1, 2, 3]]);
  expect(one.writes).toEqual([[1, 3, 4]]);

  hub.broadcast([event(5, 2)]);
  await Promise.resolve();
  expect(admin.writes).toEqual([[1, 2, 3], [5]]);
  expect(one.writes).toEqual([[1, 3, 4]]); // community 2 is not theirs: no empty write either
});
