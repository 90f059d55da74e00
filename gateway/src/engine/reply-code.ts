/**
 * SMS replies matched to the right alarm: the alarm text asks for "1 #<alert id>", so a contact of two
 * households answers the one they mean. A bare "1" is taken only when it can mean one alarm. Pure.
 */

export interface Reply {
  digit: "1" | "2";
  /** The alert the reply names ("1 #12"), or null for a bare "1". */
  alertId: number | null;
}

// A digit, the code, then words of their own ("1 #12 on my way"); never a longer number ("12点到").
const WITH_CODE = /^([12])\s*#\s*(\d{1,12})(?!\d)/;
const CODE_FIRST = /^#\s*(\d{1,12})\s+([12])(?!\d)/;
const BARE = /^([12])(?!\s*[\d#])/;

/**
 * "1 #12", "1#12", "#12 1", full-width "１ ＃12" (NFKC folds full-width digits and signs), or a bare
 * "1"/"2", each maybe followed by words. Anything else is no answer: it claims nothing.
 */
export function parseReply(body: string): Reply | null {
  const s = body.normalize("NFKC").trim();
  let m = WITH_CODE.exec(s);
  if (m) return { digit: m[1] as Reply["digit"], alertId: Number(m[2]) };
  m = CODE_FIRST.exec(s);
  if (m) return { digit: m[2] as Reply["digit"], alertId: Number(m[1]) };
  m = BARE.exec(s);
  if (m) return { digit: m[1] as Reply["digit"], alertId: null };
  return null;
}

export type ReplyTarget =
  | { type: "alert"; alertId: number }
  /** A bare reply from a number texted about several live alarms: ask which, never guess. */
  | { type: "ask"; alertIds: number[] }
  /** The reply names an alarm this number was not texted about, or none is live. */
  | { type: "none" };

/** `live`: the live alerts this number was texted about. */
export function replyTarget(reply: Reply, live: readonly number[]): ReplyTarget {
  const ids = [...new Set(live)].sort((a, b) => a - b);
  if (reply.alertId !== null) return ids.includes(reply.alertId) ? { type: "alert", alertId: reply.alertId } : { type: "none" };
  if (ids.length === 1) return { type: "alert", alertId: ids[0]! };
  if (ids.length > 1) return { type: "ask", alertIds: ids };
  return { type: "none" };
}
