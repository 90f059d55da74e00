/** A storm: every acting device presses once, each at a random moment within --seconds. */
import { ackedCheck, atMoments, randomMoments, type Scenario } from "./scenario";

export const storm: Scenario = {
  name: "storm",
  defaultCount: "all",
  defaultSeconds: 10,
  act: (run) => atMoments(run, randomMoments(run.devices, run.options.seconds * 1000), (d) => d.press()),
  checks: (reports) => [ackedCheck(reports)],
};
