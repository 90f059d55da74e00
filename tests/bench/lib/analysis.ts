/** Raw times of a phase → latency summaries per path. */
import type { FleetPool, Press } from "./fleets";
import { indexByDevice, latencies } from "./match";
import type { Observations, PhaseWindow } from "./scenarios";
import { summarize, quantileCurve, type Summary } from "./stats";

export interface PathResult {
  summary: Summary | null;
  /** presses that never got this observation */
  missing: number;
  curve: [number, number][];
}

export interface PhaseAnalysis {
  presses: number;
  ack: PathResult;
  console?: PathResult;
  twilio?: PathResult;
  /** Press → the first SMS request, and → the first call request, at the phone network. */
  sms?: PathResult;
  call?: PathResult;
  hop?: PathResult;
  created?: number;
  joined?: number;
  retransmittedPresses: number;
}

function path(values: number[], missing: number): PathResult {
  return { summary: summarize(values), missing, curve: quantileCurve(values) };
}

function allPressTimes(fleets: FleetPool): Map<number, number[]> {
  return indexByDevice([...fleets.presses.values()], (p) => p.index, (p) => p.at);
}

export function analyzeHelpkey(fleets: FleetPool, obs: Observations, w: PhaseWindow): PhaseAnalysis {
  const presses = w.presses;
  const acked = presses.filter((p) => p.ackAt !== undefined);
  const all = allPressTimes(fleets);
  // a press's console event is the alert.created or alert.pressed that follows it (not a claim)
  const consoleAll = indexByDevice(obs.console, (s) => s[0], (s) => s[1], (s) => s[2] !== 3);
  const consoleCreated = indexByDevice(obs.console, (s) => s[0], (s) => s[1], (s) => s[2] === 1);
  const con = latencies(presses, consoleAll, all);
  // A press that opened an alert is one whose device's next console event is alert.created.
  const creating: Press[] = [];
  for (const p of presses) {
    const own = all.get(p.index) ?? [];
    const next = own.find((t) => t > p.at) ?? Infinity;
    if ((consoleCreated.get(p.index) ?? []).some((t) => t >= p.at && t < next)) creating.push(p);
  }
  const phone = indexByDevice(obs.phone, (s) => s[0], (s) => s[1]);
  const tw = latencies(creating, phone, all);
  const sms = latencies(creating, indexByDevice(obs.phone, (s) => s[0], (s) => s[1], (s) => s[2] === 1), all);
  const call = latencies(creating, indexByDevice(obs.phone, (s) => s[0], (s) => s[1], (s) => s[2] === 2), all);
  return {
    presses: presses.length,
    ack: path(acked.map((p) => p.ackAt! - p.at), presses.length - acked.length),
    console: path(con.values, con.missing.length),
    twilio: path(tw.values, tw.missing.length),
    sms: path(sms.values, sms.missing.length),
    call: path(call.values, call.missing.length),
    created: creating.length,
    joined: presses.length - creating.length,
    retransmittedPresses: acked.filter((p) => p.ackAt! - p.at > 2000).length,
  };
}

export function analyzePeer(obs: Observations, w: PhaseWindow): PhaseAnalysis {
  const presses = w.presses;
  const acked = presses.filter((p) => p.ackAt !== undefined);
  const first = new Map<string, number>();
  for (const [idx, seq, at] of obs.hops) {
    const k = `${idx}:${seq}`;
    const prev = first.get(k);
    if (prev === undefined || at < prev) first.set(k, at);
  }
  const hops: number[] = [];
  let missing = 0;
  for (const p of presses) {
    const at = first.get(`${p.index}:${p.seq}`);
    if (at === undefined) missing++;
    else hops.push(at - p.at);
  }
  return {
    presses: presses.length,
    ack: path(acked.map((p) => p.ackAt! - p.at), presses.length - acked.length),
    hop: path(hops, missing),
    retransmittedPresses: acked.filter((p) => p.ackAt! - p.at > 2000).length,
  };
}
