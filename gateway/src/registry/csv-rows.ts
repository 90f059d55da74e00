/**
 * A CSV text as a table: the header row mapped to the import's columns (zh-CN or en headers), then
 * each data row's trimmed cells with the line of the file it starts on, as a spreadsheet numbers it.
 */
import { finished } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import { csvColumnOf, csvColumns, importError, requiredCsvColumns, type CsvColumn, type ImportError } from "@helpkey/shared";
import type { Slice } from "./time-slice";

type Cells = Record<CsvColumn, string>;

export interface CsvTable {
  rows: { line: number; cells: Cells }[];
  /** Each column read, with its header as written. */
  headers: Map<CsvColumn, string>;
  ignoredColumns: string[];
  /** Errors of the file itself (syntax, header): no row is read when there is one. */
  errors: ImportError[];
}

const LINE_BREAK = /\r\n|\r|\n/g;
const breaks = (s: string) => s.match(LINE_BREAK)?.length ?? 0;

/** Spreadsheets in some locales separate with `;`, "Unicode text" with tabs: the header line says which. */
function delimiterOf(text: string): string {
  const first = text.slice(0, 4096).split(LINE_BREAK).find((l) => l.trim() !== "") ?? "";
  const counts = [",", ";", "\t"].map((d) => [d, first.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best), counts[0]!)[0];
}

/** Text fed to the parser per slice: a few milliseconds of parsing. */
const CHUNK = 16 * 1024;

interface RawRecord {
  record: string[];
  raw: string;
}

/** csv-parse's stream parser fed slice by slice, so a 5 MB file never holds the event loop for long. */
async function recordsOf(text: string, slice: Slice): Promise<{ records: RawRecord[]; failed: CsvError | undefined }> {
  // `raw` keeps each record's own text: its line breaks give the line the next record starts on
  const parser = parse({
    delimiter: delimiterOf(text), bom: true, raw: true, relax_column_count: true, relax_quotes: true,
    record_delimiter: ["\r\n", "\n", "\r"],
  });
  // the parser reports errors as events (after the write that met them): the first one is kept
  let failure: unknown;
  parser.on("error", (err) => void (failure ??= err));
  const out: RawRecord[] = [];
  const drain = () => {
    for (let r = parser.read() as RawRecord | null; r !== null; r = parser.read() as RawRecord | null) out.push(r);
  };
  for (let i = 0; i < text.length && failure === undefined; i += CHUNK) {
    parser.write(text.slice(i, i + CHUNK));
    drain();
    await slice();
  }
  if (failure === undefined) {
    parser.end();
    // the last record (or the error of an unclosed quote) comes with the end of the input
    await finished(parser, { readable: false }).catch((err: unknown) => void (failure ??= err));
    drain();
  }
  if (failure !== undefined && !(failure instanceof CsvError)) throw failure;
  return { records: out, failed: failure as CsvError | undefined };
}

export async function readCsvTable(text: string, slice: Slice): Promise<CsvTable> {
  const table: CsvTable = { rows: [], headers: new Map(), ignoredColumns: [], errors: [] };
  const { records, failed } = await recordsOf(text, slice);
  let line = 1;
  if (failed) {
    // the broken record starts where the last good one ended: that is the line to fix
    for (const { raw } of records) line += breaks(raw);
    table.errors.push(importError({ line, field: "file" }, { code: "not_csv", detail: failed.message, csv: failed.code }));
    return table;
  }

  let columns: (CsvColumn | undefined)[] | null = null;
  let headerLine = 1;
  for (const { record, raw } of records) {
    await slice();
    const at = line;
    line += breaks(raw);
    const cells = record.map((c) => c.trim());
    if (cells.every((c) => c === "")) continue;
    if (!columns) {
      headerLine = at;
      columns = readHeader(cells, at, table);
      if (table.errors.length > 0) return table;
      continue;
    }
    const row = Object.fromEntries(Object.keys(csvColumns).map((k) => [k, ""])) as Cells;
    cells.forEach((c, i) => {
      const key = columns![i];
      if (key) row[key] = c;
    });
    const extra = cells.slice(columns.length).filter((c) => c !== "");
    if (extra.length > 0) {
      table.errors.push(importError({ line: at, field: "row" }, { code: "extra_cells", cells: cells.length, columns: columns.length, headerLine }));
    }
    table.rows.push({ line: at, cells: row });
  }
  if (!columns) table.errors.push(importError({ line: 1, field: "file" }, { code: "empty_file", columns: headerHint() }));
  return table;
}

const headerHint = () => requiredCsvColumns.map((k) => `${csvColumns[k][0]}/${k}`).join(", ");

function readHeader(cells: string[], line: number, table: CsvTable): (CsvColumn | undefined)[] {
  const columns = cells.map((h) => {
    const key = csvColumnOf(h);
    if (!key) {
      if (h !== "") table.ignoredColumns.push(h);
      return undefined;
    }
    const seen = table.headers.get(key);
    if (seen !== undefined) table.errors.push(importError({ line, field: key, column: h }, { code: "duplicate_column", first: seen, second: h }));
    else table.headers.set(key, h);
    return key;
  });
  for (const key of requiredCsvColumns) {
    if (!table.headers.has(key)) {
      table.errors.push(importError({ line, field: key }, { code: "missing_column", column: `${csvColumns[key][0]}/${key}`, columns: headerHint() }));
    }
  }
  return columns;
}
