/**
 * A flapping link: for --seconds each acting device's connection drops (no DISCONNECT) every 0.3 to
 * 2 s and comes back by the device's own reconnect backoff. Each device presses once in the first
 * half, and its link drops right after the press, before any ack can arrive on it: the device
 * publishes the alarm again after reconnecting until an ack arrives, and the system must ack the
 * retransmission without making a second alert.
 */
import { hrNow, type ScenarioDevice } from "../scenario-device";
import { ackedCheck, oneAlertCheck, type Scenario, type ScenarioRun } from "./scenario";

async function flap(run: ScenarioRun, d: ScenarioDevice, ms: number): Promise<void> {
  const until = hrNow() + ms;
  let pressAt: number | null = hrNow() + Math.random() * (ms / 2);
  while (!run.signal.aborted) {
    const now = hrNow();
    if (now >= until) return;
    const next = Math.min(until, now + 300 + Math.random() * 1_700, pressAt ?? Infinity);
    await run.sleep(next - now);
    if (run.signal.aborted || hrNow() >= until) return;
    if (pressAt !== null && hrNow() >= pressAt) {
      pressAt = null;
      // pressed on a live link, which then drops at once: the alarm must be sent again
      if (!(await run.whenReady(d))) return;
      d.press();
    }
    d.dropLink();
  }
}

export const flapping: Scenario = {
  name: "flapping",
  defaultCount: "all",
  defaultSeconds: 20,
  async act(run) {
    await Promise.all(run.devices.map((d) => flap(run, d, run.options.seconds * 1000)));
  },
  checks: (reports) => [ackedCheck(reports), oneAlertCheck(reports)],
};
