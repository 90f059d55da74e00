/** The scenarios `pnpm sim fleet --scenario` runs, by name. */
import { chatter } from "./chatter";
import { clockSkew } from "./clock-skew";
import { deadBattery } from "./dead-battery";
import { flapping } from "./flapping";
import { reboot } from "./reboot";
import type { Scenario, ScenarioName } from "./scenario";
import { single } from "./single";
import { storm } from "./storm";

export const scenarios: Readonly<Record<ScenarioName, Scenario>> = Object.freeze({
  single, storm, flapping, chatter, reboot, "clock-skew": clockSkew, "dead-battery": deadBattery,
});
