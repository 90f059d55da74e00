/**
 * The console's actions on an alert, over the HTTP API. The answer updates
 * the screen at once; the WebSocket event follows for every other console. A 409 means another
 * dispatcher (or a contact pressing 1) was faster: the console says who, in the dispatcher's language.
 */
import type { AlertView, Outcome } from "@helpkey/shared";
import { api, ApiError } from "./api";
import { t, type StringKey } from "./i18n";
import { isOnline } from "./live";
import { store } from "./store";
import { toast } from "./toast";

export type Action = "acknowledge" | "dispatch" | "arrive" | "resolve" | "cancel";
const label: Record<Action, StringKey> = { acknowledge: "aAcknowledge", dispatch: "aDispatch", arrive: "aArrive", resolve: "aResolve", cancel: "aCancel" };

async function explainConflict(alertId: number): Promise<void> {
  try {
    const cur = await api<AlertView>("GET", `/api/alerts/${alertId}`);
    store.upsert(cur);
    toast(t("conflict", { state: t(`s_${cur.state}` as StringKey), by: cur.acknowledgedBy ? t("conflictBy", { by: cur.acknowledgedBy }) : "" }), "warn");
  } catch {
    toast(t("conflict", { state: "?", by: "" }), "warn");
  }
}

async function run(alertId: number, what: StringKey, call: () => Promise<unknown>): Promise<boolean> {
  // Offline, an action could look done on a screen that no longer shows the truth.
  if (!isOnline()) {
    toast(t("offlineNoAction"), "warn");
    return false;
  }
  try {
    await call();
    toast(t("done", { action: t(what) }), "ok");
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) await explainConflict(alertId);
    else toast(t("actionFailed", { msg: err instanceof Error ? err.message : String(err) }), "error");
    return false;
  }
}

export function act(alertId: number, action: Action, body: { outcome?: Outcome; note?: string } = {}): Promise<boolean> {
  return run(alertId, label[action], async () => store.upsert(await api<AlertView>("POST", `/api/alerts/${alertId}/${action}`, body)));
}

/** Sends a patrol member (SMS with the address and a responder link); the alert becomes `responding`. */
export function dispatchPatrol(alertId: number, patrolMemberId: number): Promise<boolean> {
  return run(alertId, "aDispatch", () => api("POST", `/api/alerts/${alertId}/dispatch-patrol`, { patrolMemberId }));
}

/** A service request is done: resolved as real, with what was done as its note. */
export function markDone(alertId: number, note: string): Promise<boolean> {
  const body = { outcome: "real" as Outcome, ...(note ? { note } : {}) };
  return run(alertId, "aDone", async () => store.upsert(await api<AlertView>("POST", `/api/alerts/${alertId}/resolve`, body)));
}

/** A drill alarm that is a real call for help: it leaves the drill, and a family the drill left out is told and called. */
export function markReal(alertId: number): Promise<boolean> {
  if (!confirm(t("confirmReal"))) return Promise.resolve(false);
  return run(alertId, "aReal", async () => store.upsert(await api<AlertView>("POST", `/api/alerts/${alertId}/real`, {})));
}

/** A note on the alert's trail (who called back, what was agreed), in any live state. */
export function addNote(alertId: number, note: string): Promise<boolean> {
  return run(alertId, "aNote", () => api("POST", `/api/alerts/${alertId}/note`, { note }));
}
