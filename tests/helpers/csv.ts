/**
 * Reads a CSV the gateway wrote (a credentials sheet) the way a spreadsheet would: a
 * parser of its own, not the gateway's writer, so a quoting bug on either side shows.
 */
import { parse } from "csv-parse/sync";

/** The file's rows as cells, quotes and doubled quotes resolved; a leading BOM dropped. Rows end in CRLF (RFC 4180). */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, record_delimiter: "\r\n", relax_column_count: true }) as string[][];
}
