/**
 * TV messages: a console user's text for the set-top boxes of a household or of a building. Each
 * box gets its own row (msgId = row id) and a `cmd display` (QoS 1) after the commit; the box's
 * `event shown` / `dismissed` move the row on. Every change is a console event, audited with who.
 */
import type { ConsoleEvent } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { appendEvent } from "../store/events";
import { insertTvMessage, reportTvMessage, stbsOf, toTvMessageView, type TvMessageRow } from "../store/tv-messages";

function messageEvent(ctx: AlertContext, row: TvMessageRow, now: number, actor: string | null): ConsoleEvent {
  return appendEvent(ctx.db, { type: "tv_message.updated", ts: now, communityId: row.communityId, actor, message: toTvMessageView(row) });
}

export interface TvTarget {
  communityId: number;
  householdIds: number[];
  /** A household target records a row even without a box (status no_device): the console sees it went nowhere. */
  recordMissing: boolean;
}

/** Stores one row per set-top box of the target and returns the rows with their effects (the commands). Inside the caller's transaction. */
export function sendTvMessages(ctx: AlertContext, t: TvTarget, text: string, by: string, now: number): { rows: TvMessageRow[]; effects: Effects } {
  const fx = emptyEffects();
  const rows: TvMessageRow[] = [];
  const boxes = stbsOf(ctx.db, t.householdIds);
  for (const b of boxes) {
    const row = insertTvMessage(ctx.db, { communityId: t.communityId, householdId: b.householdId, deviceId: b.id, text, by, status: "sent", createdAt: now });
    rows.push(row);
    fx.cmds.push({ deviceId: b.id, cmd: { type: "display", text, msgId: row.id, from: by.slice(0, 64) } });
    fx.events.push(messageEvent(ctx, row, now, by));
  }
  if (t.recordMissing) {
    const withBox = new Set(boxes.map((b) => b.householdId));
    for (const householdId of t.householdIds.filter((h) => !withBox.has(h))) {
      const row = insertTvMessage(ctx.db, { communityId: t.communityId, householdId, deviceId: null, text, by, status: "no_device", createdAt: now });
      rows.push(row);
      fx.events.push(messageEvent(ctx, row, now, by));
    }
  }
  return { rows, effects: fx };
}

/** A box reports its message shown or dismissed; a report of another box's message, or a step back, changes nothing. */
export function tvMessageReported(ctx: AlertContext, deviceId: string, msgId: number, what: "shown" | "dismissed", now: number): Effects | null {
  const row = reportTvMessage(ctx.db, deviceId, msgId, what, now);
  if (!row) return null;
  const fx = emptyEffects();
  fx.events.push(messageEvent(ctx, row, now, null));
  return fx;
}
