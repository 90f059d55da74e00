/**
 * `pnpm hk import FILE --community ID [--apply]`: the file's bytes sent as they are (the gateway
 * detects UTF-8 or GBK), the report printed; exit 1 when a row is bad.
 */
import { readFileSync } from "node:fs";
import { importEncodings, importReportSchema, type ImportReport } from "@helpkey/shared";
import { ApiError } from "./api-client";
import { EXIT, oneOf, parse, positiveInt, required, UsageError, withProgress } from "./cli-kit";
import type { Command } from "./command";

export const importCommand: Command = async (args, ctx) => {
  const { values: v, positionals } = parse(args, { community: { type: "string" }, apply: { type: "boolean" }, encoding: { type: "string" } }, 1);
  if (v.help) {
    process.stdout.write(`${ctx.m.help.import}\n`);
    return EXIT.ok;
  }
  const file = required(positionals[0], "FILE", "the CSV file to import");
  const communityId = required(positiveInt(v.community, "--community"), "--community", "the id of the community to import into (pnpm hk community create prints it)");
  const encoding = oneOf(v.encoding, importEncodings, "--encoding", "auto");
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const api = ctx.connect(v);
  const query = `?dryRun=${v.apply ? "false" : "true"}&encoding=${encoding}`;
  let report: ImportReport;
  try {
    report = await withProgress(
      api.call(importReportSchema, "POST", `/api/communities/${communityId}/import${query}`, { bytes: new Uint8Array(bytes), contentType: "text/csv" }),
      ctx.m.working,
    );
  } catch (err) {
    // bad rows: the refusal carries the report, which is what the person needs to see
    const refused = err instanceof ApiError && err.status === 422 ? importReportSchema.safeParse((err.body as { report?: unknown }).report) : undefined;
    if (!refused?.success) throw err;
    report = refused.data;
  }
  process.stdout.write(v.json ? `${JSON.stringify(report)}\n` : `${ctx.m.importReport(report, file)}\n`);
  return report.errorCount > 0 ? EXIT.refused : EXIT.ok;
};
