/**
 * Bulk provisioning on the real system: one device per household of a unit or building, the
 * installer's CSV sheet (or JSON), households already equipped skipped unless replaced, a room filter,
 * a bound per call; every secret on the sheet connects, and the audit trail names each device and
 * holds no secret.
 */
import mqtt from "mqtt";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProvisionedDevice } from "@helpkey/shared";
import { ADMIN_TOKEN, startTestSystem, type TestSystem } from "../helpers/system";
import { parseCsv } from "../helpers/csv";

let sys: TestSystem;
let communityId: number;
let buildingId: number;
let unitA: number;
let unitB: number;
const homes = new Map<string, number>();

const ok = <T>(r: { status: number; body: T }): T => {
  if (r.status !== 201) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

beforeEach(async () => {
  sys = await startTestSystem();
  communityId = ok(await sys.api<{ id: number }>("POST", "/api/communities", { name: "Bulk", language: "zh-CN" })).id;
  buildingId = ok(await sys.api<{ id: number }>("POST", "/api/buildings", { communityId, name: "1号楼, 东" })).id;
  unitA = ok(await sys.api<{ id: number }>("POST", "/api/units", { buildingId, name: "=1单元" })).id;
  unitB = ok(await sys.api<{ id: number }>("POST", "/api/units", { buildingId, name: "2单元" })).id;
  homes.clear();
  for (const room of ["101", "102", "103", "104", "110", "3F-2"]) homes.set(room, ok(await sys.api<{ id: number }>("POST", "/api/households", { unitId: unitA, room })).id);
  homes.set("201", ok(await sys.api<{ id: number }>("POST", "/api/households", { unitId: unitB, room: "201" })).id);
});
afterEach(async () => {
  await sys.close();
});

async function bulk(body: Record<string, unknown>, accept = "text/csv"): Promise<{ status: number; type: string; text: string; disposition: string | null; cache: string | null }> {
  const res = await fetch(`${sys.httpUrl}/api/devices/bulk`, {
    method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", accept }, body: JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer()), disposition: res.headers.get("content-disposition"), cache: res.headers.get("cache-control") };
}

const refusal = (id: string, secret: string) =>
  mqtt.connectAsync(sys.mqttUrl, { clientId: id, username: id, password: secret, reconnectPeriod: 0 }).then((c) => (c.end(true), 0), (e: { code?: number }) => e.code ?? -1);

const deviceCount = () => (sys.ctx.db.$client.prepare("SELECT count(*) AS n FROM devices").get() as { n: number }).n;

describe("bulk provisioning", () => {
  it("a unit: one device per household without one, as the installer's CSV sheet whose secrets connect", async () => {
    const existing = ok(await sys.api<{ id: string }>("POST", "/api/devices", { householdId: homes.get("102"), type: "button" }));
    const r = await bulk({ unitId: unitA, type: "button" });
    expect(r.status).toBe(201);
    expect(r.type).toMatch(/^text\/csv; charset=utf-8/);
    expect(r.disposition).toBe(`attachment; filename="devices-unit-${unitA}.csv"`);
    expect(r.cache).toBe("no-store");
    expect(r.text.startsWith("\uFEFF")).toBe(true);
    const [header, ...rows] = parseCsv(r.text.slice(1));
    expect(header).toEqual(["device_id", "secret", "household_id", "building", "unit", "room", "mqtt_url"]);
    expect(rows.map((x) => x[5]).sort()).toEqual(["101", "103", "104", "110", "3F-2"]);
    for (const x of rows) {
      expect(Number(x[2])).toBe(homes.get(x[5]!));
      // a comma in a name is quoted; a name a spreadsheet would run as a formula is shown as text
      expect(x.slice(3, 5)).toEqual(["1号楼, 东", "'=1单元"]);
      expect(x[6]).toBe(sys.mqttUrl);
      expect(x[1]).not.toMatch(/^-/);
    }
    for (const x of rows.slice(0, 2)) expect(await refusal(x[0]!, x[1]!)).toBe(0);

    const audit = sys.ctx.db.$client.prepare("SELECT entity_id AS id, community_id AS c, after FROM audit_log WHERE entity = 'device' AND action = 'create' ORDER BY id").all() as { id: string; c: number; after: string }[];
    expect(audit.map((a) => a.id).sort()).toEqual([existing.id, ...rows.map((x) => x[0]!)].sort());
    for (const a of audit) {
      expect(a.c).toBe(communityId);
      for (const x of rows) expect(a.after).not.toContain(x[1]!);
      expect(a.after).not.toContain("secretHash");
    }

    // done again, every household has one: an empty sheet
    const again = await bulk({ unitId: unitA, type: "button" });
    expect(parseCsv(again.text.slice(1))).toHaveLength(1);
  });

  it("a building filtered by rooms, as JSON; replace revokes the old device of that type", async () => {
    const r = await bulk({ buildingId, type: "stb", rooms: "101-103, 3F-2，201" }, "application/json");
    expect(r.type).toMatch(/^application\/json/);
    expect(r.status).toBe(201);
    const created = JSON.parse(r.text) as ProvisionedDevice[];
    expect(created.map((d) => d.householdId).sort((x, y) => x - y)).toEqual(["101", "102", "103", "3F-2", "201"].map((room) => homes.get(room)).sort((x, y) => x! - y!));
    for (const d of created) expect(d).toMatchObject({ id: expect.stringMatching(/^stb-/), secret: expect.any(String), mqtt: { url: sys.mqttUrl } });

    const old = created.find((d) => d.householdId === homes.get("102"))!;
    const replaced = JSON.parse((await bulk({ unitId: unitA, type: "stb", rooms: "102", replace: true }, "application/json")).text) as ProvisionedDevice[];
    expect(replaced.map((d) => d.householdId)).toEqual([homes.get("102")]);
    expect((await sys.api<{ revokedAt: number | null }>("GET", `/api/devices/${old.id}`)).body.revokedAt).not.toBeNull();
    expect(await refusal(old.id, old.secret)).toBe(4);
    expect(await refusal(replaced[0]!.id, replaced[0]!.secret)).toBe(0);
    // without replace, an equipped household is skipped
    expect(JSON.parse((await bulk({ unitId: unitA, type: "stb", rooms: "102" }, "application/json")).text)).toEqual([]);
  });

  it("refuses a place that does not exist, both places at once, a bad room filter and more than 2,000 devices, creating nothing", async () => {
    const before = deviceCount();
    const cases: [Record<string, unknown>, string][] = [
      [{ unitId: 999_999, type: "button" }, "unitId"],
      [{ buildingId: 999_999, type: "button" }, "buildingId"],
      [{ unitId: unitA, buildingId, type: "button" }, "unitId"],
      [{ type: "button" }, "unitId"],
      [{ unitId: unitA, type: "phone" }, "type"],
      [{ unitId: unitA, type: "button", rooms: "101,,102" }, "rooms"],
    ];
    for (const [body, field] of cases) {
      const r = await bulk(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(r.text).error).toMatchObject({ code: "HK_BAD_REQUEST", field });
    }
    // a unit of 2,001 flats, written straight to the database to keep the test short
    const big = ok(await sys.api<{ id: number }>("POST", "/api/units", { buildingId, name: "Big" })).id;
    const insert = sys.ctx.db.$client.prepare("INSERT INTO households (unit_id, room, created_at) VALUES (?, ?, 0)");
    sys.ctx.db.$client.transaction(() => { for (let i = 1; i <= 2001; i++) insert.run(big, String(i)); })();
    const r = await bulk({ unitId: big, type: "button" });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error).toMatchObject({ field: "unitId", message: expect.stringContaining("at most 2000") });
    expect(deviceCount()).toBe(before);
    // nobody without credentials
    const res = await fetch(`${sys.httpUrl}/api/devices/bulk`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ unitId: unitA, type: "button" }) });
    expect(res.status).toBe(401);
  });
});
