/**
 * A community from a spreadsheet: the sample community imports exactly what its file holds and what
 * the dry run announced; a file with bad rows is refused naming each line and column, and writes
 * nothing; a GBK file (Chinese Windows' code page) imports with its Chinese names intact; importing
 * the same file twice creates nothing twice.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importIssueText, type ImportIssue, type ImportReport } from "@helpkey/shared";
import { startTestSystem, ADMIN_TOKEN, type TestSystem } from "../helpers/system";

const SAMPLE = fileURLToPath(new URL("../../docs/samples/community.csv", import.meta.url));
const BAD_ROWS = fileURLToPath(new URL("../fixtures/import-bad-rows.csv", import.meta.url));

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.close();
});

async function upload(communityId: number, body: Buffer | string, query = "", contentType = "text/csv") {
  const res = await fetch(`${sys.httpUrl}/api/communities/${communityId}/import${query}`, {
    method: "POST", headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": contentType }, body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as ImportReport & { error?: { code: string; field?: string }; report?: ImportReport } };
}

async function community(name: string): Promise<number> {
  const r = await sys.api<{ id: number }>("POST", "/api/communities", { name, countryCode: "CN" });
  expect(r.status).toBe(201);
  return r.body.id;
}

const count = (sql: string, ...args: unknown[]) => (sys.ctx.db.$client.prepare(sql).get(...args) as { n: number }).n;
const OF_COMMUNITY = "SELECT h.id FROM households h JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id WHERE b.community_id = ?";
function stored(communityId: number) {
  return {
    buildings: count("SELECT count(*) AS n FROM buildings WHERE community_id = ?", communityId),
    units: count("SELECT count(*) AS n FROM units WHERE building_id IN (SELECT id FROM buildings WHERE community_id = ?)", communityId),
    households: count(`SELECT count(*) AS n FROM (${OF_COMMUNITY})`, communityId),
    residents: count(`SELECT count(*) AS n FROM residents WHERE household_id IN (${OF_COMMUNITY})`, communityId),
    contacts: count(`SELECT count(*) AS n FROM contacts WHERE household_id IN (${OF_COMMUNITY})`, communityId),
    livesAlone: count(`SELECT count(*) AS n FROM households WHERE lives_alone = 1 AND id IN (${OF_COMMUNITY})`, communityId),
  };
}
const everything = () => ({
  ...Object.fromEntries(["buildings", "units", "households", "residents", "contacts", "audit_log"].map((t) => [t, count(`SELECT count(*) AS n FROM ${t}`)])),
});

/** What the sample file holds, read without the import's code: its values have no commas or quotes. */
function sampleHolds() {
  const [header, ...lines] = readFileSync(SAMPLE, "utf8").replace(/^\uFEFF/, "").split(/\r\n/).filter(Boolean).map((l) => l.split(","));
  const col = (name: string) => header!.indexOf(name);
  const [b, u, r, alone, res, phone] = ["楼栋", "单元", "房号", "独居", "居民", "电话"].map(col) as number[];
  const flat = (l: string[]) => `${l[b!]}/${l[u!]}/${l[r!]}`;
  const distinct = (f: (l: string[]) => string | null) => new Set(lines.map(f).filter((x) => x !== null)).size;
  return {
    rows: lines.length,
    buildings: distinct((l) => l[b!]!),
    units: distinct((l) => `${l[b!]}/${l[u!]}`),
    households: distinct(flat),
    residents: distinct((l) => (l[res!] ? `${flat(l)}/${l[res!]}` : null)),
    // a contact is its number within the household; numbers are typed in several ways
    contacts: distinct((l) => (l[phone!] ? `${flat(l)}/${l[phone!]!.replace(/\D/g, "").slice(-11)}` : null)),
    livesAlone: distinct((l) => (l[alone!] === "是" ? flat(l) : null)),
    firstRow: Object.fromEntries(header!.map((h, i) => [h, lines[0]![i]!])),
  };
}

describe("the sample community", () => {
  it("imports exactly what the file holds and the dry run announced, audited, lone households watched; a second import creates nothing", async () => {
    const holds = sampleHolds();
    expect(holds.households).toBeGreaterThanOrEqual(200);
    const id = await community("样板社区");
    const file = readFileSync(SAMPLE);

    // dryRun is the default: the report, nothing written
    const before = everything();
    const dry = await upload(id, file);
    expect(dry.status, JSON.stringify(dry.body.errors?.slice(0, 3))).toBe(200);
    const { firstRow, ...expected } = holds;
    expect(dry.body).toMatchObject({ dryRun: true, applied: false, encoding: "utf-8", errorCount: 0, errors: [], ...expected });
    expect(everything()).toEqual(before);

    const real = await upload(id, file, "?dryRun=false");
    expect(real.status).toBe(201);
    const { dryRun: _d, applied: _a, ...announced } = dry.body;
    expect(real.body).toMatchObject({ ...announced, dryRun: false, applied: true });
    const { rows: _r, ...records } = expected;
    expect(stored(id)).toEqual(records);
    // one audit row for the import, under the admin's name: what it created, by id range
    const audits = sys.ctx.db.$client.prepare("SELECT actor, entity, action, after FROM audit_log WHERE community_id = ? AND entity <> 'community'").all(id) as { actor: string; entity: string; action: string; after: string }[];
    expect(audits.map(({ actor, entity, action }) => ({ actor, entity, action }))).toEqual([{ actor: "admin", entity: "import", action: "create" }]);
    const created = (JSON.parse(audits[0]!.after) as { created: Record<string, { count: number; firstId: number; lastId: number }> }).created;
    for (const kind of ["buildings", "units", "households", "residents", "contacts"] as const) {
      expect(created[kind]!.count, kind).toBe(records[kind]);
      expect(created[kind]!.lastId - created[kind]!.firstId + 1, kind).toBe(records[kind]);
    }
    expect(count(`SELECT count(*) AS n FROM households WHERE id BETWEEN ? AND ? AND id IN (${OF_COMMUNITY})`, created.households!.firstId, created.households!.lastId, id)).toBe(records.households);
    // every lone household has its welfare watch, and only those
    expect(count(`SELECT count(*) AS n FROM households WHERE welfare_due_at IS NOT NULL AND id IN (${OF_COMMUNITY})`, id)).toBe(records.livesAlone);
    expect(count(`SELECT count(*) AS n FROM households WHERE welfare_due_at IS NOT NULL AND lives_alone = 0 AND id IN (${OF_COMMUNITY})`, id)).toBe(0);

    // the first row, as the console will show it: names as written, the number in E.164, the relation's key
    const first = sys.ctx.db.$client.prepare(
      `SELECT h.name AS household, r.name AS resident, r.age, c.name AS contact, c.phone, c.relation FROM households h
       JOIN units u ON u.id = h.unit_id JOIN buildings b ON b.id = u.building_id JOIN residents r ON r.household_id = h.id JOIN contacts c ON c.household_id = h.id
       WHERE b.community_id = ? AND b.name = ? AND u.name = ? AND h.room = ? AND r.name = ? AND c.name = ?`,
    ).get(id, firstRow["楼栋"], firstRow["单元"], firstRow["房号"], firstRow["居民"], firstRow["联系人"]);
    expect(first).toEqual({
      household: firstRow["户名"], resident: firstRow["居民"], age: Number(firstRow["年龄"]), contact: firstRow["联系人"],
      phone: `+86${firstRow["电话"]!.replace(/\D/g, "").slice(-11)}`, relation: { 儿子: "son", 女儿: "daughter" }[firstRow["关系"]!] ?? "?",
    });

    // the same file again: every row names a household that exists; nothing is created twice
    const after = everything();
    const again = await upload(id, file, "?dryRun=false");
    expect(again.status).toBe(422);
    expect(again.body.error!.code).toBe("HK_IMPORT_ROWS_INVALID");
    expect(again.body.report!.errorCount).toBe(holds.rows);
    expect(again.body.report!.errors[0]).toMatchObject({ line: 2, field: "room", column: "房号" });
    expect(everything()).toEqual(after);
  }, 60_000);
});

describe("bad rows", () => {
  it("are refused in the dry run naming each line and column, and a real run writes nothing", async () => {
    const id = await community("Bad Rows");
    const file = readFileSync(BAD_ROWS);
    const dry = await upload(id, file, "?dryRun=true");
    expect(dry.status).toBe(422);
    expect(dry.body.error!.code).toBe("HK_IMPORT_ROWS_INVALID");
    const report = dry.body.report!;
    expect(report.errorCount).toBe(3);
    expect(report.errors.map(({ line, field, column }) => ({ line, field, column }))).toEqual([
      { line: 3, field: "age", column: "年龄" },
      { line: 5, field: "phone", column: "电话" },
      { line: 6, field: "relation", column: "关系" },
    ]);
    expect(report.errors[0]!.reason).toContain("八十");
    // each reason also as an issue, for the console to say in its reader's language
    expect(report.errors.map((e) => e.issue)).toEqual([
      { code: "not_number", value: "八十", min: 0, max: 130 },
      { code: "bad_phone", value: "12345", region: "CN", example: expect.any(String) },
      { code: "relation_needed" },
    ]);

    const before = everything();
    const real = await upload(id, file, "?dryRun=false");
    expect(real.status).toBe(422);
    expect(real.body.report!.errorCount).toBe(3);
    expect(everything()).toEqual(before);
  });

  it("a file that is not CSV, or whose header lacks a required column, is refused at the line that breaks it", async () => {
    const id = await community("Broken");
    const unclosed = await upload(id, "楼栋,单元,房号,居民\r\n1号楼,1单元,101,王秀英\r\n1号楼,1单元,102,\"赵建国\r\n");
    expect(unclosed.status).toBe(422);
    expect(unclosed.body.report!.errors).toMatchObject([{ line: 3, field: "file", issue: { code: "not_csv", csv: "CSV_QUOTE_NOT_CLOSED" } }]);
    // the parser's own words stay out of what a person reads, in either language
    const issue = unclosed.body.report!.errors[0]!.issue as ImportIssue;
    expect(importIssueText(issue, "en")).toBe('the file is not valid CSV from this line on: a cell opens a quote (") that never closes');
    expect(importIssueText(issue, "zh-CN")).toBe("从这一行起文件不是有效的 CSV 格式：有一个单元格的引号（\"）没有结束");
    // a quoted cell over two lines: the next row starts a line later, as a text editor numbers it
    const multiline = await upload(id, "楼栋,单元,房号,备注,居民,年龄\r\n1号楼,1单元,101,\"钥匙在\r\n邻居家\",王秀英,81\r\n1号楼,1单元,102,,赵建国,abc\r\n");
    expect(multiline.body.report!.errors).toMatchObject([{ line: 4, field: "age" }]);
    const noRoom = await upload(id, "building,unit,resident\n1,1,Wang\n");
    expect(noRoom.status).toBe(422);
    expect(noRoom.body.report!.errors).toMatchObject([{ line: 1, field: "room" }]);
    expect(stored(id).households).toBe(0);
  });

  it("needs the admin's credentials and the file itself as the body", async () => {
    const id = await community("Guarded");
    const anon = await fetch(`${sys.httpUrl}/api/communities/${id}/import`, { method: "POST", headers: { "content-type": "text/csv" }, body: "楼栋,单元,房号\n1,1,101\n" });
    expect(anon.status).toBe(401);
    const json = await sys.api<{ error: { code: string } }>("POST", `/api/communities/${id}/import`, { rows: [] });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe("HK_BAD_REQUEST");
    expect((await upload(999_999, "楼栋,单元,房号\n1,1,101\n")).status).toBe(404);
    expect(stored(id).households).toBe(0);
  });

  it("a file over 5 MB is refused with its own code", async () => {
    const id = await community("Too Big");
    const r = await upload(id, Buffer.alloc(5 * 1024 * 1024 + 1, 0x61));
    expect(r.status).toBe(413);
    expect(r.body.error!.code).toBe("HK_PAYLOAD_TOO_LARGE");
  });
});

describe("a GBK file", () => {
  const text = [
    "楼栋,单元,房号,户名,独居,居民,年龄,语言,病史,行动,联系人,电话,关系,顺位,有钥匙",
    "3号楼,2单元,502,欧阳秀英家,是,欧阳秀英,86,中文,高血压,助行器,欧阳晓东,138 0013 8201,儿子,1,是",
    "3号楼,2单元,502,,,,,,,,诸葛慧敏,138-0013-8202,邻居,2,否",
  ].join("\r\n");
  const gbk = iconv.encode(text, "gbk");

  it("is read as GBK when it is not UTF-8 (auto), and with encoding=gbk; encoding=utf-8 refuses it", async () => {
    expect(gbk.equals(Buffer.from(text, "utf8"))).toBe(false);
    const refused = await community("GBK refused");
    const wrong = await upload(refused, gbk, "?encoding=utf-8", "application/octet-stream");
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: "HK_BAD_REQUEST", field: "encoding" });
    expect(stored(refused).households).toBe(0);

    for (const encoding of ["auto", "gbk"]) {
      const id = await community(`GBK ${encoding}`);
      const dry = await upload(id, gbk, `?encoding=${encoding}`, "application/octet-stream");
      expect(dry.status).toBe(200);
      expect(dry.body).toMatchObject({ encoding: "gbk", households: 1, residents: 1, contacts: 2, errorCount: 0 });
      const real = await upload(id, gbk, `?dryRun=false&encoding=${encoding}`, "application/octet-stream");
      expect(real.status).toBe(201);
      expect(real.body).toMatchObject({ encoding: "gbk", applied: true, buildings: 1, units: 1, households: 1, residents: 1, contacts: 2 });
      const people = sys.ctx.db.$client.prepare(
        `SELECT r.name AS resident, r.medical, r.mobility, h.name AS household FROM residents r JOIN households h ON h.id = r.household_id WHERE h.id IN (${OF_COMMUNITY})`,
      ).all(id);
      expect(people).toEqual([{ resident: "欧阳秀英", medical: "高血压", mobility: "助行器", household: "欧阳秀英家" }]);
      const contacts = sys.ctx.db.$client.prepare(`SELECT name, phone, relation, role, has_key AS hasKey, priority FROM contacts WHERE household_id IN (${OF_COMMUNITY}) ORDER BY priority`).all(id);
      expect(contacts).toEqual([
        { name: "欧阳晓东", phone: "+8613800138201", relation: "son", role: "family", hasKey: 1, priority: 1 },
        { name: "诸葛慧敏", phone: "+8613800138202", relation: "neighbour", role: "neighbour", hasKey: 0, priority: 2 },
      ]);
    }
  });
});
