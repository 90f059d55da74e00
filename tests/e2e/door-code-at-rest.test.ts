/**
 * Door codes at rest: sealed with a key kept beside the database, never in it; a code an older
 * install stored in clear is sealed at the next start and still revealed right.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { createHousehold } from "../helpers/community";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterAll(async () => sys?.close());

it("a clear code from an older install is sealed at start-up and revealed as it was; the key file is the owner's only", async () => {
  sys = await startTestSystem();
  const home = await createHousehold(sys.api, { contacts: [] });
  sys.ctx.db.$client.prepare("INSERT INTO household_access (household_id, door_code, updated_at) VALUES (?, ?, 0)").run(home.householdId, "2580#");
  const dataDir = sys.dataDir;
  await sys.stop();
  sys = await startTestSystem({ dataDir });
  const stored = sys.ctx.db.$client.prepare("SELECT door_code AS c FROM household_access WHERE household_id = ?").get(home.householdId) as { c: string };
  expect(stored.c).toMatch(/^v1:/);
  expect(stored.c).not.toContain("2580");
  expect(JSON.stringify(sys.ctx.db.$client.prepare("SELECT * FROM settings").all())).not.toContain("door");
  expect((await sys.api<{ doorCode: string }>("POST", `/api/households/${home.householdId}/door-code`, {})).body).toEqual({ doorCode: "2580#" });
  expect(statSync(path.join(dataDir, "door-code.key")).mode & 0o777).toBe(0o600);
});
