/**
 * Why an imported row was refused, in both languages: the server writes the English `reason` of each
 * bad row (for the API and the command line) and sends the issue itself, so the console says it in
 * the administrator's language. Values from the file are quoted as written.
 */
import type { Language } from "./domain";

export type ImportIssue =
  | { code: "required" }
  | { code: "too_long"; max: number }
  | { code: "not_yes_no"; value: string }
  | { code: "not_language"; value: string }
  | { code: "not_number"; value: string; min: number; max: number }
  | { code: "bad_phone"; value: string; region: string; example: string | null }
  | { code: "not_role"; value: string }
  | { code: "resident_needed" }
  | { code: "contact_needed" }
  | { code: "phone_needed" }
  | { code: "relation_needed" }
  /** The household's name, "lives alone" or notes differ from an earlier line of the same household. */
  | { code: "household_differs"; here: string; there: string; line: number }
  /** The same resident or contact on an earlier line with another value in this column. */
  | { code: "person_differs"; name: string; here: string; there: string; line: number }
  /** The same phone number given to another contact of the household on an earlier line. */
  | { code: "phone_taken"; name: string; other: string; line: number }
  | { code: "household_exists"; place: string; id: number }
  /** `csv` is the parser's own error code (CSV_QUOTE_NOT_CLOSED, …); `detail` its English message. */
  | { code: "not_csv"; detail: string; csv?: string }
  | { code: "extra_cells"; cells: number; columns: number; headerLine: number }
  | { code: "empty_file"; columns: string }
  | { code: "duplicate_column"; first: string; second: string }
  | { code: "missing_column"; column: string; columns: string }
  /** Anything else the row's schema refused, in its own words. */
  | { code: "invalid"; detail: string };

export type ImportIssueCode = ImportIssue["code"];

type Texts = { [C in ImportIssueCode]: (i: Extract<ImportIssue, { code: C }>) => string };

/** What the CSV parser's errors mean to someone who wrote the file in a spreadsheet or by hand. */
const csvWhy: Record<string, { en: string; zh: string }> = {
  CSV_QUOTE_NOT_CLOSED: { en: "a cell opens a quote (\") that never closes", zh: "有一个单元格的引号（\"）没有结束" },
  CSV_INVALID_CLOSING_QUOTE: { en: "a quoted cell has text right after its closing quote", zh: "有一个单元格在结束引号后面紧跟着文字" },
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: { en: "a quoted cell has text right after its closing quote", zh: "有一个单元格在结束引号后面紧跟着文字" },
  CSV_INVALID_OPENING_QUOTE: { en: "a quote (\") stands in the middle of a cell", zh: "有一个引号（\"）出现在单元格中间" },
  CSV_MAX_RECORD_SIZE: { en: "a row is far too long", zh: "有一行过长" },
};

const yesNo = (v: string) => (v === "true" ? "yes" : v === "false" ? "no" : v);
const shiFou = (v: string) => (v === "true" ? "是" : v === "false" ? "否" : v);

const en: Texts = {
  required: () => "required",
  too_long: (i) => `at most ${i.max} characters`,
  not_yes_no: (i) => `"${i.value}" is not yes or no: write 是 or 否 (or yes / no)`,
  not_language: (i) => `"${i.value}" is not a language: write 中文 (zh-CN) or 英文 (en)`,
  not_number: (i) => `"${i.value}" is not a whole number from ${i.min} to ${i.max}`,
  bad_phone: (i) => `"${i.value}" is not a phone number in ${i.region}${i.example ? ` (e.g. ${i.example})` : ""}`,
  not_role: (i) => `"${i.value}" is not a role: write 家属, 邻居, 网格员, 巡逻 or 主管 (family, neighbour, grid_worker, patrol, supervisor)`,
  resident_needed: () => "the resident's name is required when age, medical, mobility or resident phone is given",
  contact_needed: () => "the contact's name is required when the row has contact columns",
  phone_needed: () => "the contact's phone is required",
  relation_needed: () => "the contact's relation is required (e.g. 女儿, 儿子, 邻居)",
  household_differs: (i) => `"${yesNo(i.here)}" here but "${yesNo(i.there)}" on line ${i.line} for the same household`,
  person_differs: (i) => `${i.name} is on line ${i.line} with "${yesNo(i.there)}", here "${yesNo(i.here)}"`,
  phone_taken: (i) => `line ${i.line} gives this number to ${i.other}, this row to ${i.name}: one number, one contact of the household`,
  household_exists: (i) => `${i.place} is already household ${i.id}: an import adds new households only (change this one in the console or with PATCH /api/households/${i.id}, or take its rows out of the file)`,
  not_csv: (i) => `the file is not valid CSV from this line on: ${(i.csv && csvWhy[i.csv]?.en) ?? i.detail}`,
  extra_cells: (i) => `${i.cells} cells but the header (line ${i.headerLine}) names ${i.columns} columns: a value is in a column without a header`,
  empty_file: (i) => `the file is empty: the first row names the columns (${i.columns})`,
  duplicate_column: (i) => `two columns mean the same: "${i.first}" and "${i.second}"; keep one`,
  missing_column: (i) => `the header row has no ${i.column} column; it needs ${i.columns}`,
  invalid: (i) => i.detail,
};

const zh: Texts = {
  required: () => "必填",
  too_long: (i) => `最多 ${i.max} 个字`,
  not_yes_no: (i) => `“${i.value}”不是“是”或“否”，请填写“是”或“否”`,
  not_language: (i) => `“${i.value}”不是可用的语言，请填写“中文”或“英文”`,
  not_number: (i) => `“${i.value}”不是 ${i.min} 到 ${i.max} 之间的整数`,
  bad_phone: (i) => `“${i.value}”不是有效的电话号码（${i.region}）${i.example ? `，例如 ${i.example}` : ""}`,
  not_role: (i) => `“${i.value}”不是可用的身份，请填写家属、邻居、网格员、巡逻或主管`,
  resident_needed: () => "填写了年龄、病史、行动情况或居民电话时，必须填写居民姓名",
  contact_needed: () => "填写了联系人信息时，必须填写联系人姓名",
  phone_needed: () => "必须填写联系人电话",
  relation_needed: () => "必须填写与居民的关系，例如女儿、儿子、邻居",
  household_differs: (i) => `同一户在第 ${i.line} 行填写为“${shiFou(i.there)}”，此行为“${shiFou(i.here)}”`,
  person_differs: (i) => `${i.name}在第 ${i.line} 行填写为“${shiFou(i.there)}”，此行为“${shiFou(i.here)}”`,
  phone_taken: (i) => `第 ${i.line} 行已把这个号码给了${i.other}，此行又给了${i.name}：同一户中一个号码只能属于一位联系人`,
  household_exists: (i) => `${i.place}已是住户 ${i.id}：导入只能新增住户，请在控制台修改这一户，或从文件中删去这几行`,
  not_csv: (i) => {
    const why = i.csv ? csvWhy[i.csv]?.zh : undefined;
    return why ? `从这一行起文件不是有效的 CSV 格式：${why}` : `从这一行起文件不是有效的 CSV 格式（${i.detail}）`;
  },
  extra_cells: (i) => `这一行有 ${i.cells} 个单元格，但表头（第 ${i.headerLine} 行）只有 ${i.columns} 列：有内容写在了没有表头的列中`,
  empty_file: (i) => `文件是空的：第一行应为列名（${i.columns}）`,
  duplicate_column: (i) => `“${i.first}”和“${i.second}”两列含义相同，请只保留一列`,
  missing_column: (i) => `表头缺少“${i.column}”列，必须包含：${i.columns}`,
  invalid: (i) => `无法识别（${i.detail}）`,
};

/** The issue as a sentence in `lang`. */
export function importIssueText(issue: ImportIssue, lang: Language): string {
  const texts = lang === "zh-CN" ? zh : en;
  return (texts[issue.code] as (i: ImportIssue) => string)(issue);
}
