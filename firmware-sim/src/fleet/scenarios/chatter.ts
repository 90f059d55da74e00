/**
 * Button chatter: each acting device presses --presses times (default 10) evenly within --seconds
 * (default 1), each press with its own seq. The system must make one alert of them per household.
 */
import { ackedCheck, atMoments, oneAlertCheck, type Scenario } from "./scenario";

export const chatter: Scenario = {
  name: "chatter",
  defaultCount: "one",
  defaultSeconds: 1,
  act(run) {
    const { presses, seconds } = run.options;
    const gap = (seconds * 1000) / presses;
    const plan = run.devices.flatMap((d) => Array.from({ length: presses }, (_, k) => ({ at: k * gap, item: d })));
    return atMoments(run, plan, (d) => d.press());
  },
  checks: (reports) => [ackedCheck(reports), oneAlertCheck(reports)],
};
