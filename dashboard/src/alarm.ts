/**
 * Impossible to miss: while any alert is unclaimed (or came back: nobody on site in time), a sound
 * repeats and the tab title blinks, also when the console is in a background tab. `body[data-sound]` says whether the
 * alarm is sounding, for the tests and for anyone inspecting a silent console.
 *
 * Browsers start audio suspended until the page gets a click or key press; a console reloaded at
 * night would then be silent, so the page says so in a banner until someone touches it.
 */
import type { AlertView } from "@helpkey/shared";
import { t } from "./i18n";
import { store } from "./store";

let audio: AudioContext | null = null;
let soundTimer: ReturnType<typeof setInterval> | null = null;
let titleTimer: ReturnType<typeof setInterval> | null = null;
let unclaimed = 0;
let urgent = false;
let soundUrgent = false;
const baseTitle = () => t("appName");

function ctx(): AudioContext | null {
  if (!audio) {
    try {
      audio = new AudioContext();
    } catch {
      return null;
    }
  }
  return audio;
}

/** Two short tones; a falling pair for emergencies, a single soft tone for service requests. */
function beep(): void {
  const a = ctx();
  if (!a) return;
  if (a.state === "suspended") void a.resume().catch(() => undefined);
  document.body.dataset.audio = a.state;
  if (a.state !== "running") return;
  const tones = urgent ? [880, 660] : [520];
  tones.forEach((freq, i) => {
    const osc = a.createOscillator();
    const gain = a.createGain();
    osc.frequency.value = freq;
    osc.type = "square";
    const at = a.currentTime + i * 0.22;
    gain.gain.setValueAtTime(urgent ? 0.25 : 0.08, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.2);
    osc.connect(gain).connect(a.destination);
    osc.start(at);
    osc.stop(at + 0.21);
  });
}

/** The first touch of the page unlocks audio for the rest of the shift. */
function unlock(): void {
  void ctx()?.resume().then(() => (document.body.dataset.audio = audio?.state ?? "none")).catch(() => undefined);
}
document.addEventListener("click", unlock);
document.addEventListener("keydown", unlock);

/**
 * A claimed or acknowledged alert that came back (nobody on site in time, or the resident pressed
 * again) sounds like an unclaimed one until someone is there or it is closed.
 */
const cameBack = (a: AlertView) => a.state !== "open" && Boolean(a.overdueAt);

/** Sets how many alerts are unclaimed (and whether any is more than a service request); the ones that came back are added. */
export function setUnclaimed(count: number, anyUrgent: boolean): void {
  const back = store.queue().filter(cameBack);
  unclaimed = count + back.length;
  urgent = anyUrgent || back.some((a) => a.kind !== "service");
  const on = unclaimed > 0;
  document.body.dataset.sound = on ? "on" : "off";
  // Urgent alarms beep fast, a lone service request chimes slowly; an emergency joining a service request speeds it up.
  if (on && (!soundTimer || soundUrgent !== urgent)) {
    if (soundTimer) clearInterval(soundTimer);
    soundUrgent = urgent;
    beep();
    soundTimer = setInterval(beep, urgent ? 1500 : 6000);
  } else if (!on && soundTimer) {
    clearInterval(soundTimer);
    soundTimer = null;
  }
  if (on && !titleTimer) {
    let flip = false;
    titleTimer = setInterval(() => {
      flip = !flip;
      document.title = flip ? `⚠ ${t("unclaimedTitle", { n: unclaimed })}` : baseTitle();
    }, 700);
    document.title = `⚠ ${t("unclaimedTitle", { n: unclaimed })}`;
  } else if (!on && titleTimer) {
    clearInterval(titleTimer);
    titleTimer = null;
    document.title = baseTitle();
  }
}

/** True when the alarm should sound but the browser keeps audio locked. */
export function soundBlocked(): boolean {
  return unclaimed > 0 && (audio?.state ?? "suspended") !== "running";
}
