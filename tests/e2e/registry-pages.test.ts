/**
 * Every list pages by cursor: `limit` rows, the next page's cursor in `x-next-cursor` (absent on the
 * last page), a body that stays a JSON array. Walking every page gives every row once, in order,
 * with its filters applied; a cursor this API did not give out is a 400.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { alerts } from "@helpkey/gateway/db/schema";
import { createHousehold, type Household } from "../helpers/community";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let a: Household;
let b: Household;
const BASE = Date.UTC(2026, 0, 1);
const KINDS = ["emergency", "medical", "fire", "intrusion", "service"] as const;

beforeAll(async () => {
  sys = await startTestSystem();
  a = await createHousehold(sys.api, { contacts: [{ name: "A", phone: "+8613800091001", priority: 1 }] });
  b = await createHousehold(sys.api, { contacts: [{ name: "B", phone: "+8613800092001", priority: 1 }] });
  // More alerts than a page, written as the engine writes closed ones (a terminal state, so any number per household).
  const row = (h: Household, i: number) => ({
    communityId: h.communityId, householdId: h.householdId, deviceId: h.device.id, kind: KINDS[i % KINDS.length]!, state: i % 3 === 0 ? "cancelled" as const : "resolved" as const,
    priority: 3, pressCount: 1, firstPressAt: BASE + i * 1000, lastPressAt: BASE + i * 1000, closedAt: BASE + i * 1000 + 500, outcome: "test" as const,
  });
  sys.ctx.db.insert(alerts).values([...Array.from({ length: 250 }, (_, i) => row(a, i)), ...Array.from({ length: 30 }, (_, i) => row(b, i))]).run();
});
afterAll(async () => {
  await sys?.close();
});

/** GET with the admin token: the body and the next cursor. */
async function page<T>(url: string): Promise<{ status: number; body: T; next: string | null }> {
  const res = await fetch(`${sys.httpUrl}${url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return { status: res.status, body: (await res.json()) as T, next: res.headers.get("x-next-cursor") };
}

/** Follows x-next-cursor to the last page; returns every page's ids. */
async function walk(url: string): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes("?") ? "&" : "?";
    const r: { status: number; body: { id: number }[]; next: string | null } = await page(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    pages.push(r.body.map((x) => x.id));
    cursor = r.next;
    if (pages.length > 100) throw new Error("the walk does not end");
  } while (cursor);
  return pages;
}

const dbIds = (where: (r: typeof alerts.$inferSelect) => boolean) =>
  sys.ctx.db.select().from(alerts).all().filter(where).map((r) => r.id).sort((x, y) => y - x);

describe("alerts", () => {
  it("walks 280 alerts newest first, 100 a page by default: every alert once, then no cursor", async () => {
    const pages = await walk("/api/alerts");
    expect(pages.map((p) => p.length)).toEqual([100, 100, 80]);
    const ids = pages.flat();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(dbIds(() => true));
    // the body is still the alert view
    const first = await page<AlertView[]>("/api/alerts?limit=1");
    expect(first.body[0]).toMatchObject({ id: ids[0], state: expect.any(String), address: expect.objectContaining({ room: expect.any(String) }) });
  });

  it("applies its filters on every page: community, state, kind, and the first press between since and until", async () => {
    const inA = await walk(`/api/alerts?communityId=${a.communityId}&limit=7`);
    expect(inA.flat()).toEqual(dbIds((r) => r.communityId === a.communityId));
    expect(inA.slice(0, -1).every((p) => p.length === 7)).toBe(true);
    expect((await walk(`/api/alerts?state=cancelled&limit=50`)).flat()).toEqual(dbIds((r) => r.state === "cancelled"));
    expect((await walk(`/api/alerts?kind=fire&communityId=${b.communityId}&limit=4`)).flat()).toEqual(dbIds((r) => r.kind === "fire" && r.communityId === b.communityId));
    const since = BASE + 20_000;
    const until = BASE + 120_000;
    const window = (await walk(`/api/alerts?since=${since}&until=${until}&limit=33`)).flat();
    expect(window).toEqual(dbIds((r) => r.firstPressAt >= since && r.firstPressAt < until));
    expect(window.length).toBe(100 + 10); // A's 20..119 and B's 20..29
  });

  it("refuses a limit outside 1..500 and a cursor it did not give out", async () => {
    for (const q of ["limit=0", "limit=501", "limit=1e2", "until=-1", "kind=flood"]) {
      expect((await page(`/api/alerts?${q}`)).status, q).toBe(400);
    }
    expect((await walk("/api/alerts?limit=500")).map((p) => p.length)).toEqual([280]);
    for (const cursor of ["!!", "MTA=", "Zm9v", "MDEw", "LTE", "x".repeat(201)]) {
      const r = await page<{ error: { code: string; field: string } }>(`/api/alerts?cursor=${cursor}`);
      expect(r.status, cursor).toBe(400);
      expect(r.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "cursor" });
    }
  });
});

describe("registry lists", () => {
  it("walks a building's households a few at a time: every one once, in id order, filtered", async () => {
    const created: number[] = [];
    for (let i = 0; i < 23; i++) {
      const r = await sys.api<{ id: number }>("POST", "/api/households", { unitId: a.unitId, room: `2${String(i).padStart(2, "0")}`, livesAlone: i % 4 === 0 });
      expect(r.status).toBe(201);
      created.push(r.body.id);
    }
    const inBuilding = [a.householdId, ...created];
    const pages = await walk(`/api/households?buildingId=${a.buildingId}&limit=5`);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4]);
    expect(pages.flat()).toEqual(inBuilding);
    expect((await walk(`/api/households?communityId=${a.communityId}&limit=6`)).flat()).toEqual(inBuilding);
    expect((await walk(`/api/households?unitId=${a.unitId}&livesAlone=true&limit=2`)).flat()).toEqual(created.filter((_, i) => i % 4 === 0));
    expect((await walk(`/api/households?communityId=${b.communityId}`)).flat()).toEqual([b.householdId]);
    // exactly one page: no cursor
    expect((await page(`/api/households?buildingId=${a.buildingId}&limit=24`)).next).toBeNull();
    expect((await page(`/api/households?livesAlone=yes`)).status).toBe(400);
  });

  it("pages every kind of the registry and the patrol roster", async () => {
    for (const kind of ["communities", "buildings", "units", "residents", "contacts"]) {
      const all = (await page<{ id: number }[]>(`/api/${kind}?limit=500`)).body.map((x) => x.id);
      expect(all.length, kind).toBeGreaterThan(1);
      expect((await walk(`/api/${kind}?limit=1`)).flat(), kind).toEqual(all);
    }
    for (let i = 0; i < 5; i++) expect((await sys.api("POST", "/api/patrol", { communityId: a.communityId, name: `Patrol ${i}`, phone: `138 0013 810${i}` })).status).toBe(201);
    const roster = await walk(`/api/patrol?communityId=${a.communityId}&limit=2`);
    expect(roster.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(new Set(roster.flat()).size).toBe(5);
  });
});
