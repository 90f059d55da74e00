/**
 * Clock skew: the devices' clocks are --skew-hours off (ahead on even devices, behind on odd ones)
 * and each presses once within --seconds. The system takes the press on its own clock: every press
 * must be acked like any other.
 */
import { ackedCheck, atMoments, randomMoments, type Scenario } from "./scenario";

export const clockSkew: Scenario = {
  name: "clock-skew",
  defaultCount: "all",
  defaultSeconds: 1,
  act(run) {
    const offset = run.options.skewHours * 3_600_000;
    for (const d of run.devices) d.clockOffsetMs = d.index % 2 === 0 ? offset : -offset;
    return atMoments(run, randomMoments(run.devices, run.options.seconds * 1000), (d) => d.press());
  },
  checks: (reports) => [ackedCheck(reports)],
};
