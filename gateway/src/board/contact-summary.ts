/**
 * The incident report's notification history per person: one row per contact (and per patrol member
 * or supervisor reached), with how often each was texted and called and what came of it, instead of
 * every status step of every message.
 */
import type { NotificationView, PersonSummary } from "@helpkey/shared";

export type { PersonSummary };


/** Higher is what the dispatcher most needs to read first about this person. */
const resultRank: Record<string, number> = {
  pressed1: 9, pressed2: 8, answered: 7, completed: 6, "in-progress": 6, delivered: 5, voicemail: 4, "no-answer": 3, busy: 3,
  sent: 2, ringing: 2, sending: 1, queued: 1, undelivered: 0, failed: 0, cancelled: -1,
};

export function summarizeByPerson(ns: NotificationView[], contacts: { id: number; name: string; relation: string; phone: string }[]): PersonSummary[] {
  const rows = new Map<string, PersonSummary>();
  for (const c of contacts) rows.set(`c${c.id}`, { contactId: c.id, name: c.name, relation: c.relation, phone: c.phone, sms: 0, calls: 0, result: "", lastAt: 0, attempts: [] });
  for (const n of ns) {
    if (n.channel === "control") continue; // a hang-up request is about a call, not a message to the person
    const key = n.contactId !== null ? `c${n.contactId}` : `n${n.contactName}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { contactId: n.contactId, name: n.contactName, relation: null, phone: null, sms: 0, calls: 0, result: "", lastAt: 0, attempts: [] }));
    if (n.channel === "sms") row.sms++;
    else row.calls++;
    row.attempts.push({ id: n.id, channel: n.channel, purpose: n.purpose, status: n.status, wave: n.wave, attempts: n.attempts, at: n.updatedAt });
    if ((resultRank[n.status] ?? 0) > (resultRank[row.result] ?? -2)) row.result = n.status;
    row.lastAt = Math.max(row.lastAt, n.updatedAt);
  }
  return [...rows.values()];
}
