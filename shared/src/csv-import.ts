/**
 * Importing a community from a spreadsheet (docs/csv-import.md): the columns, one row's schema,
 * the query of `POST /api/communities/:id/import` and the report it answers with.
 *
 * One row = one household plus, optionally, one resident and one contact of it. Rows naming the same
 * building, unit and room belong to the same household; each adds its resident and its contact.
 */
import { z } from "zod";
import { contactRelations, languages } from "./domain";
import { phoneExample } from "./phone-example";
import { normalizePhone } from "./phone";
import { importIssueText, type ImportIssue } from "./import-texts";
import { contactRoles } from "./registry";

/** Each column's key and the headers that name it (zh-CN first; matched ignoring case, spaces, `-` and `_`). */
export const csvColumns = {
  building: ["楼栋", "楼号", "building"],
  unit: ["单元", "unit"],
  room: ["房号", "门牌号", "room"],
  household: ["户名", "household"],
  lives_alone: ["独居", "lives_alone"],
  notes: ["备注", "notes"],
  resident: ["居民", "resident"],
  age: ["年龄", "age"],
  language: ["语言", "language"],
  medical: ["病史", "medical"],
  mobility: ["行动", "mobility"],
  resident_phone: ["居民电话", "resident_phone"],
  contact: ["联系人", "contact"],
  phone: ["电话", "联系电话", "phone"],
  relation: ["关系", "relation"],
  priority: ["顺位", "priority"],
  has_key: ["有钥匙", "has_key"],
  role: ["角色", "role"],
  contact_language: ["联系人语言", "contact_language"],
} as const;
export type CsvColumn = keyof typeof csvColumns;
export const requiredCsvColumns: readonly CsvColumn[] = ["building", "unit", "room"];

/** A header as written → its column key; undefined for a column the import does not read. */
export function csvColumnOf(header: string): CsvColumn | undefined {
  const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_-]+/g, "_");
  const h = norm(header);
  for (const [key, names] of Object.entries(csvColumns) as [CsvColumn, readonly string[]][]) {
    if (names.some((n) => norm(n) === h)) return key;
  }
  return undefined;
}

const YES = new Set(["是", "y", "yes", "true", "1", "√", "✓"]);
const NO = new Set(["否", "n", "no", "false", "0", "×"]);
const LANGUAGE: Record<string, (typeof languages)[number]> = {
  "zh-cn": "zh-CN", zh: "zh-CN", 中文: "zh-CN", 汉语: "zh-CN", 普通话: "zh-CN", en: "en", english: "en", 英文: "en", 英语: "en",
};
/** The words people write for the relations the console names (other words are kept as written). */
const RELATION: Record<string, string> = {
  女儿: "daughter", 儿子: "son", 配偶: "spouse", 老伴: "spouse", 丈夫: "spouse", 妻子: "spouse", 兄弟姐妹: "sibling", 哥哥: "sibling",
  姐姐: "sibling", 弟弟: "sibling", 妹妹: "sibling", 孙辈: "grandchild", 孙子: "grandchild", 孙女: "grandchild", 外孙: "grandchild",
  外孙女: "grandchild", 亲属: "relative", 亲戚: "relative", 朋友: "friend", 邻居: "neighbour", 网格员: "grid worker", 巡逻队员: "patrol",
  巡逻: "patrol", 主管: "supervisor", 护工: "carer", grid_worker: "grid worker", neighbor: "neighbour",
};
const ROLE: Record<string, (typeof contactRoles)[number]> = {
  家属: "family", 家人: "family", 邻居: "neighbour", neighbor: "neighbour", 网格员: "grid_worker", "grid worker": "grid_worker", 巡逻: "patrol", 巡逻队员: "patrol", 主管: "supervisor",
};

const text = (max: number) => z.string().max(max).transform((s) => (s === "" ? undefined : s));
const yesNo = z.string().transform((s, ctx) => {
  if (s === "") return undefined;
  const v = s.toLowerCase();
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  addImportIssue(ctx, { code: "not_yes_no", value: s });
  return z.NEVER;
});
const language = z.string().transform((s, ctx) => {
  if (s === "") return undefined;
  const v = LANGUAGE[s.toLowerCase()];
  if (v) return v;
  addImportIssue(ctx, { code: "not_language", value: s });
  return z.NEVER;
});
const wholeNumber = (min: number, max: number) => z.string().transform((s, ctx) => {
  if (s === "") return undefined;
  const m = /^(\d{1,3})(岁)?$/.exec(s);
  const n = m ? Number(m[1]) : NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  addImportIssue(ctx, { code: "not_number", value: s, min, max });
  return z.NEVER;
});
const phoneIn = (region: string) => z.string().transform((s, ctx) => {
  if (s === "") return undefined;
  const r = normalizePhone(s, region);
  if (r.ok) return r.e164;
  addImportIssue(ctx, { code: "bad_phone", value: s, region: region.toUpperCase(), example: phoneExample(region) });
  return z.NEVER;
});
const relation = z.string().max(32).transform((s) => {
  if (s === "") return undefined;
  const known = RELATION[s] ?? RELATION[s.toLowerCase()];
  if (known) return known;
  return (contactRelations as readonly string[]).includes(s.toLowerCase()) ? s.toLowerCase() : s;
});
const role = z.string().transform((s, ctx) => {
  if (s === "") return undefined;
  const v = s.toLowerCase();
  const r = ROLE[s] ?? ROLE[v] ?? (contactRoles as readonly string[]).find((k) => k === v);
  if (r) return r as (typeof contactRoles)[number];
  addImportIssue(ctx, { code: "not_role", value: s });
  return z.NEVER;
});

const required = () => z.string().min(1);

/** What one of a row's zod issues says, as an import issue: ours carry it, zod's own are a blank or too long a cell. */
export function importIssueOf(issue: z.core.$ZodIssue): ImportIssue {
  if (issue.code === "custom" && issue.params?.issue) return issue.params.issue as ImportIssue;
  if (issue.code === "too_small") return { code: "required" };
  if (issue.code === "too_big") return { code: "too_long", max: Number(issue.maximum) };
  return { code: "invalid", detail: issue.message };
}

/** A custom issue of a cell (or, with `column`, of the row), carrying what the console needs to word it. */
function addImportIssue(ctx: z.RefinementCtx, issue: ImportIssue, column?: string): void {
  ctx.addIssue({ code: "custom", message: importIssueText(issue, "en"), params: { issue }, ...(column ? { path: [column] } : {}) });
}

/**
 * One data row, its cells trimmed ("" for blank), read in the community's phone numbering plan.
 * Issues carry the column key as their path.
 */
export function csvRowSchema(region: string) {
  return z.object({
    building: required().max(100),
    unit: required().max(100),
    room: required().max(32),
    household: text(100),
    lives_alone: yesNo,
    notes: text(1000),
    resident: text(100),
    age: wholeNumber(0, 130),
    language,
    medical: text(1000),
    mobility: text(200),
    resident_phone: phoneIn(region),
    contact: text(100),
    phone: phoneIn(region),
    relation,
    priority: wholeNumber(1, 9),
    has_key: yesNo,
    role,
    contact_language: language,
  }).superRefine((r, ctx) => {
    const residentPart = r.age !== undefined || r.medical || r.mobility || r.resident_phone;
    if (residentPart && !r.resident) addImportIssue(ctx, { code: "resident_needed" }, "resident");
    const contactPart = r.contact || r.phone || r.relation || r.priority !== undefined || r.has_key !== undefined || r.role || r.contact_language;
    if (!contactPart) return;
    if (!r.contact) addImportIssue(ctx, { code: "contact_needed" }, "contact");
    if (!r.phone) addImportIssue(ctx, { code: "phone_needed" }, "phone");
    if (!r.relation) addImportIssue(ctx, { code: "relation_needed" }, "relation");
  }).transform((r) => ({
    building: r.building,
    unit: r.unit,
    room: r.room,
    household: { name: r.household, livesAlone: r.lives_alone, notes: r.notes },
    resident: r.resident
      ? { name: r.resident, age: r.age, language: r.language, medical: r.medical, mobility: r.mobility, phone: r.resident_phone }
      : undefined,
    contact: r.contact && r.phone && r.relation
      ? {
        name: r.contact, phone: r.phone, relation: r.relation, priority: r.priority, hasKey: r.has_key, role: r.role,
        language: r.contact_language ?? r.language,
      }
      : undefined,
  }));
}
export type CsvRow = z.output<ReturnType<typeof csvRowSchema>>;

const ROLE_OF_RELATION: Record<string, (typeof contactRoles)[number]> = { neighbour: "neighbour", "grid worker": "grid_worker", patrol: "patrol", supervisor: "supervisor" };
/** A contact's role when the file gives none: what its relation says, else family. */
export const roleOfRelation = (relation: string): (typeof contactRoles)[number] => ROLE_OF_RELATION[relation] ?? "family";

export const importEncodings = ["auto", "utf-8", "gbk"] as const;

/** `?dryRun=` (default true: nothing is written unless the caller says false) and `?encoding=`. */
export const importQuerySchema = z.object({
  dryRun: z.enum(["true", "false"], "true or false").default("true").transform((v) => v === "true"),
  encoding: z.enum(importEncodings).default("auto"),
});

/** A bad row: the file's line number, the column key (and its header as written), why (in English, and as an issue the console words in its language). */
export const importErrorSchema = z.object({
  line: z.number().int().min(1),
  field: z.string(),
  column: z.string().optional(),
  reason: z.string(),
  issue: z.looseObject({ code: z.string() }).optional(),
});
export type ImportError = z.infer<typeof importErrorSchema>;

/** A bad row's entry in the report: the reason in English, and the issue for the console to word. */
export function importError(at: { line: number; field: string; column?: string }, issue: ImportIssue): ImportError {
  return { ...at, reason: importIssueText(issue, "en"), issue };
}

/** The most row errors one report lists; `errorCount` says how many there were. */
export const MAX_IMPORT_ERRORS = 1000;

export const importReportSchema = z.object({
  communityId: z.number().int().positive(),
  dryRun: z.boolean(),
  /** Written (only ever all of it, in one transaction). */
  applied: z.boolean(),
  encoding: z.enum(["utf-8", "gbk"]),
  /** Data rows read (the header and blank lines not counted). */
  rows: z.number().int().min(0),
  /** Records to create (dry run) or created; buildings and units only those not already there. */
  buildings: z.number().int().min(0),
  units: z.number().int().min(0),
  households: z.number().int().min(0),
  residents: z.number().int().min(0),
  contacts: z.number().int().min(0),
  /** Households living alone: each starts a welfare watch when written. */
  livesAlone: z.number().int().min(0),
  /** Headers the import does not read (kept out of the records). */
  ignoredColumns: z.array(z.string()),
  errors: z.array(importErrorSchema),
  errorCount: z.number().int().min(0),
});
export type ImportReport = z.infer<typeof importReportSchema>;
