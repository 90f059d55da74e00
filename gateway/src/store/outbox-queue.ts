/**
 * The outbox's send queue, one per channel, read in the order rows go out:
 *
 *   1. escalations (priority 0: the supervisor's call), due at their time and never behind the queue;
 *   2. every alert's first wave, the most urgent alert first (fire 1 … service 9), then the oldest;
 *   3. everything else: priority, then wave, then round, then the oldest.
 *
 * Step 2 comes before step 3 whatever the priorities: a storm's urgent alerts would otherwise have
 * their second and third contacts called (and their second rounds) before a less urgent alarm has
 * reached anybody. Only due rows are read (next_attempt_at <= now): a row waiting out its backoff
 * never holds back the rows behind it. Each step reads the notifications_queue index in order.
 */
import { and, asc, eq, gt, inArray, lte, ne, or, sql, type SQL } from "drizzle-orm";
import type { Channel } from "@helpkey/shared";
import type { Db } from "../db/open";
import { notifications } from "../db/schema";
import type { NotificationRow } from "./notifications";
import { prepared } from "./prepared";

const n = notifications;
const ph = sql.placeholder;
const firstWave = and(eq(n.wave, 1), eq(n.round, 1))!;
const due = and(eq(n.status, "queued"), eq(n.channel, ph("channel")), lte(n.nextAttemptAt, ph("now")))!;

const STEPS: { key: string; where: SQL; order: SQL[] }[] = [
  { key: "escalations", where: and(due, eq(n.priority, 0))!, order: [asc(n.wave), asc(n.round), asc(n.id)] },
  { key: "firstWave", where: and(due, gt(n.priority, 0), firstWave)!, order: [asc(n.priority), asc(n.id)] },
  { key: "rest", where: and(due, gt(n.priority, 0), or(ne(n.wave, 1), ne(n.round, 1)))!, order: [asc(n.priority), asc(n.wave), asc(n.round), asc(n.id)] },
];

/** Up to `limit` due rows of `channel`, in the order they are to be sent. */
export function dueRows(db: Db, channel: Channel, now: number, limit: number): NotificationRow[] {
  const out: NotificationRow[] = [];
  for (const step of STEPS) {
    if (out.length >= limit) break;
    const stmt = prepared(db, `outboxQueue.${step.key}`, () =>
      db.select().from(n).where(step.where).orderBy(...step.order).limit(ph("limit")).prepare(),
    );
    out.push(...stmt.all({ channel, now, limit: limit - out.length }));
  }
  return out;
}

/** When the first row of `channel` now waiting out a backoff is due again; null when none is. */
export function nextRetryAt(db: Db, channel: Channel, now: number): number | null {
  const stmt = prepared(db, "outboxQueue.nextRetry", () =>
    db.$client.prepare<[string, number], { at: number | null }>("SELECT min(next_attempt_at) AS at FROM notifications WHERE status = 'queued' AND channel = ? AND next_attempt_at > ?"),
  );
  return stmt.get(channel, now)?.at ?? null;
}

/**
 * Rows of `channel` that a new alert's first wave would wait behind (escalations and first waves),
 * counted up to `cap`: how far the outbox has planned ahead of sending.
 */
export function queuedAhead(db: Db, channel: "sms" | "call", cap: number): number {
  const stmt = prepared(db, "outboxQueue.ahead", () =>
    db.$client.prepare<[string, number], { n: number }>(
      "SELECT count(*) AS n FROM (SELECT 1 FROM notifications WHERE status = 'queued' AND channel = ? AND (priority = 0 OR (wave = 1 AND round = 1)) LIMIT ?)",
    ),
  );
  return stmt.get(channel, cap)!.n;
}

/** Rows marked `sending` before `before` (their request is long over, or was never answered). */
export function sendingSince(db: Db, before: number): NotificationRow[] {
  return prepared(db, "outboxQueue.sendingSince", () =>
    db.select().from(n).where(and(eq(n.status, "sending"), lte(n.updatedAt, ph("before")))).prepare(),
  ).all({ before });
}

/** Back to the queue, due now; only if it is still `sending` (a webhook may have moved it on). */
export function requeueRow(db: Db, id: number, now: number): boolean {
  const stmt = prepared(db, "outboxQueue.requeue", () =>
    db.$client.prepare<[number, number, number]>("UPDATE notifications SET status = 'queued', next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'sending'"),
  );
  return stmt.run(now, now, id).changes > 0;
}

export interface ChannelBacklog {
  channel: Channel;
  /** Rows queued: not yet handed to the provider (due now or waiting out a backoff). */
  waiting: number;
  /** Rows handed to the provider, its answer not yet stored. */
  sending: number;
  /** created_at of the oldest waiting row; null when none waits. */
  oldestAt: number | null;
}

/** A backlog is read at most this often per database and scope: in a storm it is a scan of the whole queue. */
const BACKLOG_FRESH_MS = 2_000;
const backlogs = new WeakMap<Db, Map<string, { at: number; rows: ChannelBacklog[] }>>();

/** Per channel, what waits; only rows of `communityIds` (null: every community); at most BACKLOG_FRESH_MS old. */
export function backlogOf(db: Db, communityIds: number[] | null, now = Date.now()): ChannelBacklog[] {
  let byScope = backlogs.get(db);
  if (!byScope) backlogs.set(db, (byScope = new Map()));
  const key = communityIds === null ? "*" : [...communityIds].sort((a, b) => a - b).join(",");
  const hit = byScope.get(key);
  if (hit && now - hit.at < BACKLOG_FRESH_MS) return hit.rows;
  const rows = readBacklog(db, communityIds);
  // a console per scope asks every few seconds: the map stays as small as the set of scopes in use
  if (byScope.size > 1000) byScope.clear();
  byScope.set(key, { at: now, rows });
  return rows;
}

function readBacklog(db: Db, communityIds: number[] | null): ChannelBacklog[] {
  const scope = communityIds === null ? undefined : inArray(n.communityId, communityIds);
  const rows = db
    .select({
      channel: n.channel,
      waiting: sql<number>`coalesce(sum(${n.status} = 'queued'), 0)`,
      sending: sql<number>`coalesce(sum(${n.status} = 'sending'), 0)`,
      oldestAt: sql<number | null>`min(CASE WHEN ${n.status} = 'queued' THEN ${n.createdAt} END)`,
    })
    .from(n)
    .where(and(inArray(n.status, ["queued", "sending"]), scope))
    .groupBy(n.channel)
    .all();
  return rows;
}
