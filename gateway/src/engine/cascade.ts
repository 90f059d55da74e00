/**
 * The call cascade: waves by contact priority (1 first; the same priority is one wave, called in
 * parallel), the household's own contacts first and then the members of the help groups of its unit
 * and building, one wave per priority after the family's last; the next wave when the current one
 * has ended without a claim or after the wave timeout, rounds repeat, the supervisor is called once
 * the alert has been unclaimed for `supervisorAfterS`. An alert raised in maintenance calls and
 * texts nobody. Pure: time comes in as `now`.
 */
import type { AlarmKind, AlertState } from "@helpkey/shared";
import type { Policy } from "@helpkey/shared";

/** Wave number used for the supervisor's call (outside the contact waves). */
export const SUPERVISOR_WAVE = 99;

export interface CascadeContact {
  id: number;
  priority: number;
  /** Set for a help-group member: called after every wave of the household's own contacts. */
  helpGroupId?: number | null;
  /** The resident's family: a drill that leaves the family out does not call them. */
  family?: boolean;
}

export interface CallRecord {
  contactId: number | null;
  wave: number;
  round: number;
  startedAt: number;
  /** The call is over without a claim (no answer, voicemail, busy, failed, pressed 2, hung up). */
  ended: boolean;
}

export interface CascadeInput {
  state: AlertState;
  kind: AlarmKind;
  firstPressAt: number;
  contacts: CascadeContact[];
  hasSupervisor: boolean;
  calls: CallRecord[];
  now: number;
  policy: Policy;
  /** Raised in maintenance: nobody is called, the supervisor neither. */
  maintenance?: boolean;
  /** A drill alarm that leaves the family out: the family is not called; neighbours, help groups and the supervisor are. */
  drillQuiet?: boolean;
  /** Calls placed before this time belong to an earlier plan (a drill alarm found to be real): the waves start again from the first. */
  since?: number | null;
}

export interface PlannedCall {
  contactId: number | null;
  wave: number;
  round: number;
}

export interface CascadePlan {
  calls: PlannedCall[];
  /** When to look again (a row's due time, so it survives a restart); null = nothing left to do. */
  nextCheckAt: number | null;
}

/** Whether an alert reaches anyone's phone: one raised in maintenance (an installer's test press) reaches the console only. */
export function notifiesPeople(alert: { maintenance?: boolean }): boolean {
  return !alert.maintenance;
}

/** The contacts an alarm reaches: all of them, or without the family in a drill that leaves the family out. */
const reachable = <T extends { family?: boolean }>(contacts: T[], drillQuiet: boolean | undefined): T[] => (drillQuiet ? contacts.filter((c) => !c.family) : contacts);

const tierOf = (c: CascadeContact) => (c.helpGroupId ? 1 : 0);

/** Contact ids grouped into waves: the household's own by priority (lowest first), then the help groups' by priority. */
export function planWaves(contacts: CascadeContact[]): number[][] {
  const byWave = new Map<string, number[]>();
  for (const c of [...contacts].sort((a, b) => tierOf(a) - tierOf(b) || a.priority - b.priority || a.id - b.id)) {
    const key = `${tierOf(c)}:${c.priority}`;
    const wave = byWave.get(key) ?? [];
    wave.push(c.id);
    byWave.set(key, wave);
  }
  return [...byWave.values()];
}

export function planCascade(input: CascadeInput): CascadePlan {
  const { policy, now } = input;
  if (input.state !== "open" || input.kind === "service" || !notifiesPeople(input)) return { calls: [], nextCheckAt: null };
  const waves = planWaves(reachable(input.contacts, input.drillQuiet));
  const planned: PlannedCall[] = [];
  const contactCalls = input.calls.filter((c) => c.wave !== SUPERVISOR_WAVE && c.startedAt >= (input.since ?? 0));
  let waveStartedAt: number | null = null;

  if (waves.length > 0) {
    const last = contactCalls.reduce<CallRecord | null>((m, c) => (!m || c.round > m.round || (c.round === m.round && c.wave > m.wave) ? c : m), null);
    if (!last) {
      planned.push(...waves[0]!.map((id) => ({ contactId: id, wave: 1, round: 1 })));
      waveStartedAt = now;
    } else {
      const current = contactCalls.filter((c) => c.round === last.round && c.wave === last.wave);
      const startedAt = Math.min(...current.map((c) => c.startedAt));
      const over = current.every((c) => c.ended) || now >= startedAt + policy.waveTimeoutS * 1000;
      if (!over) {
        waveStartedAt = startedAt;
      } else {
        const next = last.wave < waves.length ? { round: last.round, wave: last.wave + 1 } : { round: last.round + 1, wave: 1 };
        if (next.round <= policy.maxRounds) {
          planned.push(...waves[next.wave - 1]!.map((id) => ({ contactId: id, ...next })));
          waveStartedAt = now;
        }
      }
    }
  }

  const supervisorDue = input.firstPressAt + policy.supervisorAfterS * 1000;
  const supervisorCalled = input.calls.some((c) => c.wave === SUPERVISOR_WAVE);
  let supervisorPending = input.hasSupervisor && !supervisorCalled;
  if (supervisorPending && now >= supervisorDue) {
    planned.push({ contactId: null, wave: SUPERVISOR_WAVE, round: 1 });
    supervisorPending = false;
  }

  const checks: number[] = [];
  if (waveStartedAt !== null) checks.push(waveStartedAt + policy.waveTimeoutS * 1000);
  if (supervisorPending) checks.push(supervisorDue);
  return { calls: planned, nextCheckAt: checks.length ? Math.min(...checks) : null };
}

/** Who gets the alarm SMS: every contact; a service request only the grid worker(s). */
export function smsRecipients<T extends { relation: string }>(kind: AlarmKind, contacts: T[]): T[] {
  if (kind !== "service") return contacts;
  return contacts.filter((c) => /grid|网格/i.test(c.relation));
}

/** Who an alert's texts are for: smsRecipients; nobody for an alert raised in maintenance; not the family for a drill alarm that leaves them out. */
export function alarmRecipients<T extends { relation: string; family?: boolean }>(alert: { kind: AlarmKind; maintenance?: boolean; drillQuiet?: boolean }, contacts: T[]): T[] {
  if (!notifiesPeople(alert)) return [];
  return smsRecipients(alert.kind, reachable(contacts, alert.drillQuiet));
}
