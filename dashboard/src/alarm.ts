/**
 * Impossible to miss: while any alert needs a person (unclaimed, or claimed and nobody on site in
 * time), a sound repeats and the tab title blinks with the same count as the "unclaimed" counter,
 * also when the console is in a background tab. Service requests and welfare checks never sound: they
 * wait calmly in their own lane, so the sound always means an alarm.
 * `body[data-sound]` says whether the alarm is sounding, `body[data-audio]` whether the browser lets
 * it be heard, for the tests and for anyone inspecting a silent console.
 *
 * Browsers start audio suspended until the page gets a click or key press; a console reloaded at
 * night would then be silent, so the shell shows a "turn sound on" bar until someone touches it.
 */
import type { AlertView } from "@helpkey/shared";
import { t } from "./i18n";
import { isLive, needsSomeone } from "./store";

let audio: AudioContext | null = null;
let soundTimer: ReturnType<typeof setInterval> | null = null;
let titleTimer: ReturnType<typeof setInterval> | null = null;
let current: AlarmCounts = { unclaimed: 0, service: 0, inProgress: 0 };
const soundListeners = new Set<() => void>();
const baseTitle = () => t("appName");

interface AlarmCounts {
  /** Alarms that need a person (service requests not included): the red counter and the title. */
  unclaimed: number;
  /** Unclaimed service requests. */
  service: number;
  /** Claimed, someone is on it. */
  inProgress: number;
}

/** The one count the counters, the title and the sound all use. */
export function countAlerts(q: readonly AlertView[]): AlarmCounts {
  const c: AlarmCounts = { unclaimed: 0, service: 0, inProgress: 0 };
  for (const a of q) {
    if (!isLive(a)) continue;
    if (!needsSomeone(a)) c.inProgress++;
    else if (a.kind === "service") c.service++;
    else c.unclaimed++;
  }
  return c;
}

function setAudioState(): void {
  document.body.dataset.audio = audio?.state ?? "none";
  for (const f of soundListeners) f();
}

function ctx(): AudioContext | null {
  if (!audio) {
    try {
      audio = new AudioContext();
      audio.onstatechange = setAudioState;
    } catch {
      return null;
    }
  }
  return audio;
}

/** Two short loud tones. */
function beep(): void {
  const a = ctx();
  if (!a) return;
  setAudioState();
  if (a.state !== "running") return;
  [880, 660].forEach((freq, i) => {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.frequency.value = freq;
    osc.type = "square";
    const at = a.currentTime + i * 0.22;
    gain.gain.setValueAtTime(0.25, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.2);
    osc.connect(gain).connect(a.destination);
    osc.start(at);
    osc.stop(at + 0.21);
  });
}

/**
 * A technical alert's sound: two soft, low sine notes, once per new fault, never repeated. A device
 * that needs a visit is not an emergency: the alarm's square-wave beeps stay the loudest thing here.
 */
export function chime(): void {
  // counted whether or not the browser lets it be heard, like body[data-sound] for the alarm
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes ?? 0) + 1);
  const a = ctx();
  if (!a || a.state !== "running") return;
  [523, 392].forEach((freq, i) => {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.frequency.value = freq;
    osc.type = "sine";
    const at = a.currentTime + i * 0.35;
    gain.gain.setValueAtTime(0.06, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.6);
    osc.connect(gain).connect(a.destination);
    osc.start(at);
    osc.stop(at + 0.62);
  });
}

/** A click or key press unlocks audio for the rest of the shift (browsers allow resume() only then). */
export function enableSound(): void {
  void ctx()?.resume().then(setAudioState).catch(() => undefined);
}
document.addEventListener("click", enableSound);
document.addEventListener("keydown", enableSound);
// Made as the page loads, so whether the browser let it start is known before the first alarm.
ctx();
setAudioState();

export function onSoundChange(f: () => void): () => void {
  soundListeners.add(f);
  return () => soundListeners.delete(f);
}

function titleText(): string {
  return t("unclaimedTitle", { n: current.unclaimed });
}

export function setAlarm(c: AlarmCounts): void {
  const was = current;
  current = c;
  const on = c.unclaimed > 0;
  document.body.dataset.sound = on ? "on" : "off";
  document.body.dataset.unclaimed = String(c.unclaimed);
  if (on && !soundTimer) {
    beep();
    soundTimer = setInterval(beep, 1500);
  } else if (!on && soundTimer) {
    clearInterval(soundTimer);
    soundTimer = null;
  }
  if (on && !titleTimer) {
    let flip = false;
    titleTimer = setInterval(() => {
      flip = !flip;
      document.title = flip ? `⚠ ${titleText()}` : baseTitle();
    }, 700);
    document.title = `⚠ ${titleText()}`;
  } else if (!on && titleTimer) {
    clearInterval(titleTimer);
    titleTimer = null;
    document.title = baseTitle();
  } else if (on && was.unclaimed !== c.unclaimed && document.title !== baseTitle()) {
    document.title = `⚠ ${titleText()}`;
  }
  if (was.unclaimed > 0 !== on) for (const f of soundListeners) f();
}

/** True when the alarm should sound but the browser keeps audio locked. */
export function soundBlocked(): boolean {
  return current.unclaimed > 0 && (audio?.state ?? "suspended") !== "running";
}
