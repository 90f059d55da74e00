/**
 * Starting and ending a drill, each in one transaction with its audit row: start (one drill at a
 * time per community), end (the report written into the drill's row), and a drill's report (the
 * stored one once ended; for a running drill, the report so far). The running-drill cache follows
 * every change, so the next press sees it.
 */
import { eq } from "drizzle-orm";
import { policyFrom } from "@helpkey/shared";
import type { DrillDetail, DrillReport, StartDrill } from "@helpkey/shared/drills";
import type { AlertContext } from "../alerts/context";
import { communities } from "../db/schema";
import { recordChange, type AuditActor } from "../registry/audit";
import { buildReport, type DrillAlarm } from "./drill-report";
import { alarmTimes, communityFacts, drillAlerts, endDrillRow, getDrill, insertDrill, runningDrillRow, storedReport, toDrillView, type DrillRow } from "./drill-store";
import { noteDrillChanged } from "./running-drills";

export type DrillOutcome =
  | { ok: true; drill: DrillRow }
  | { ok: false; status: 404 | 409; message: string };

const viewOf = (ctx: AlertContext, row: DrillRow) => toDrillView(row, communityFacts(ctx.db, [row.communityId]).get(row.communityId));

export function startDrill(ctx: AlertContext, body: StartDrill, actor: AuditActor, now: number): DrillOutcome {
  const { db } = ctx;
  const r = db.$client.transaction((): DrillOutcome => {
    if (!db.select({ id: communities.id }).from(communities).where(eq(communities.id, body.communityId)).get()) {
      return { ok: false, status: 404, message: `community ${body.communityId} not found` };
    }
    const running = runningDrillRow(db, body.communityId);
    if (running) return { ok: false, status: 409, message: `drill ${running.id} ("${running.name}") is running in this community: end it first` };
    const drill = insertDrill(db, { communityId: body.communityId, name: body.name, callFamily: body.callFamily, startedBy: actor.name, startedAt: now });
    recordChange(db, { actor, communityId: drill.communityId, entity: "drill", entityId: drill.id, action: "create", after: viewOf(ctx, drill), at: now });
    return { ok: true, drill };
  }).immediate();
  if (r.ok) noteDrillChanged(db, r.drill.communityId, { id: r.drill.id, callFamily: r.drill.callFamily }, r.drill.id, r.drill.callFamily);
  return r;
}

/** The report of the drill's alarms as they stand at `now`. */
export function reportOf(ctx: AlertContext, drill: DrillRow, now: number, final: boolean): DrillReport {
  const view = viewOf(ctx, drill);
  const policy = policyFrom(ctx.db.select({ policy: communities.policy }).from(communities).where(eq(communities.id, drill.communityId)).get()?.policy);
  const alarms: DrillAlarm[] = drillAlerts(ctx.db, drill).map((alert) => ({
    alert,
    address: ctx.dir.get(alert.householdId)?.address ?? { community: view.communityName, building: "?", unit: "?", room: "?" },
    times: alarmTimes(ctx.db, alert.id),
  }));
  return buildReport({ ...view, ...(final ? { endedAt: now, running: false } : {}) }, alarms, policy.targets, now, final);
}

export function endDrill(ctx: AlertContext, id: number, actor: AuditActor, now: number): DrillOutcome {
  const { db } = ctx;
  const r = db.$client.transaction((): DrillOutcome => {
    const before = getDrill(db, id);
    if (!before) return { ok: false, status: 404, message: `drill ${id} not found` };
    if (before.endedAt !== null) return { ok: false, status: 409, message: `drill ${id} ended already` };
    const report = reportOf(ctx, before, now, true);
    const drill = endDrillRow(db, id, now, report)!;
    recordChange(db, { actor, communityId: drill.communityId, entity: "drill", entityId: id, action: "update", before: viewOf(ctx, before), after: { ...viewOf(ctx, drill), summary: report.summary }, at: now });
    return { ok: true, drill };
  }).immediate();
  if (r.ok) noteDrillChanged(db, r.drill.communityId, null, r.drill.id, r.drill.callFamily);
  return r;
}

export function drillDetail(ctx: AlertContext, drill: DrillRow, now: number): DrillDetail {
  return { ...viewOf(ctx, drill), report: storedReport(drill) ?? reportOf(ctx, drill, now, false) };
}
