/**
 * `POST /api/communities/:id/import`: the body is the CSV file itself (text/csv or
 * application/octet-stream, at most 5 MB); `?dryRun=true` (the default) only reports, `?dryRun=false`
 * writes everything or nothing; `?encoding=auto|utf-8|gbk` (docs/csv-import.md).
 * 200: the dry run's report; 201: imported; 422: bad rows, nothing written, the report in the body.
 */
import { eq } from "drizzle-orm";
import type { FastifyError, FastifyInstance } from "fastify";
import { ErrorCodes, idParamSchema, importQuerySchema, type ErrorBody, type ImportReport } from "@helpkey/shared";
import { communities } from "../db/schema";
import { importCsv, ImportEncodingError } from "../registry/csv-import";
import { adminOnly } from "../users/roles";
import type { AppDeps } from "./app-deps";
import { auditActor } from "./audit-actor";
import { canSee, principalOf } from "./auth";
import { HttpError, notFound, parse } from "./errors";

const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** What spreadsheets and browsers call a CSV upload (Windows browsers say application/vnd.ms-excel). */
const CSV_TYPES = ["text/csv", "application/csv", "application/vnd.ms-excel", "application/octet-stream"];

export function importRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { db } = deps.ctx;
  // its own scope: the CSV body parsers and the 413's code apply to this route only
  void app.register(async (scope) => {
    scope.addContentTypeParser(CSV_TYPES, { parseAs: "buffer", bodyLimit: MAX_IMPORT_BYTES }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, _req, _reply) => {
      if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") throw new HttpError(413, ErrorCodes.PAYLOAD_TOO_LARGE, `the file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB: split it (by building) and import each part`);
      throw err;
    });

    scope.post("/api/communities/:id/import", { config: { access: adminOnly }, bodyLimit: MAX_IMPORT_BYTES }, async (req, reply) => {
      const { id } = parse(idParamSchema, req.params);
      const q = parse(importQuerySchema, req.query);
      const p = principalOf(req);
      const community = db.select().from(communities).where(eq(communities.id, id)).get();
      if (!community || !canSee(p, id)) throw notFound(`community ${id}`);
      if (!Buffer.isBuffer(req.body)) throw new HttpError(415, ErrorCodes.BAD_REQUEST, "send the CSV file itself as the body, with content-type text/csv (e.g. curl --data-binary @file.csv -H 'content-type: text/csv')");
      let report: ImportReport;
      try {
        report = await importCsv(deps.ctx, { community, bytes: req.body, encoding: q.encoding, dryRun: q.dryRun, actor: auditActor(req), now: deps.now });
      } catch (err) {
        if (err instanceof ImportEncodingError) throw new HttpError(400, ErrorCodes.BAD_REQUEST, err.message, "encoding");
        throw err;
      }
      const counts = { communityId: id, rows: report.rows, households: report.households, residents: report.residents, contacts: report.contacts, errors: report.errorCount };
      if (report.errorCount > 0) {
        req.log.info({ ...counts, dryRun: q.dryRun }, "import refused: bad rows");
        const body: ErrorBody & { report: ImportReport } = {
          error: { code: ErrorCodes.IMPORT_ROWS_INVALID, message: `${report.errorCount} bad row(s), first on line ${report.errors[0]!.line} (${report.errors[0]!.field}): nothing was imported` },
          report,
        };
        return reply.status(422).send(body);
      }
      if (report.applied) req.log.info({ ...counts, actor: p.name }, "import written");
      return reply.status(report.applied ? 201 : 200).send(report);
    });
  });
}
