/** One press from each acting device (one device unless --count says more). */
import { ackedCheck, type Scenario } from "./scenario";

export const single: Scenario = {
  name: "single",
  defaultCount: "one",
  defaultSeconds: 0,
  async act(run) {
    for (const d of run.devices) d.press();
  },
  checks: (reports) => [ackedCheck(reports)],
};
