/**
 * Reboot: each acting device presses, waits for the ack, restarts (the connection dies without
 * DISCONNECT; --boot-s later it connects again with its seq kept, as non-volatile memory keeps it)
 * and presses again. The press after the reboot carries seq + 1 and is a new press to the system,
 * never taken for a retransmission: it is acked in its own right.
 */
import { ackedCheck, atMoments, randomMoments, type Check, type DeviceReport, type Scenario, type ScenarioRun } from "./scenario";
import type { ScenarioDevice } from "../scenario-device";

async function cycle(run: ScenarioRun, d: ScenarioDevice): Promise<void> {
  if (!(await run.whenAcked(d.press()))) return;
  d.reboot(run.options.bootS * 1000);
  if (!(await run.whenReady(d))) return;
  d.press();
}

function seqAfterReboot(reports: readonly DeviceReport[]): Check {
  const ok = (r: DeviceReport) => {
    const [a, b] = r.presses;
    return r.reboots === 1 && r.presses.length === 2 && b!.seq === a!.seq + 1 && b!.ackAt !== null;
  };
  return { id: "seqAfterReboot", pass: reports.filter(ok).length, of: reports.length, example: reports.find((r) => !ok(r))?.id };
}

export const reboot: Scenario = {
  name: "reboot",
  defaultCount: "all",
  defaultSeconds: 1,
  async act(run) {
    const cycles: Promise<void>[] = [];
    await atMoments(run, randomMoments(run.devices, run.options.seconds * 1000), (d) => void cycles.push(cycle(run, d)));
    await Promise.all(cycles);
  },
  checks: (reports) => [ackedCheck(reports), seqAfterReboot(reports)],
};
