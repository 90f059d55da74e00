/** The device rules of docs/device-protocol.md: cancel within the window, a service request, a test press. */
import { afterEach, beforeEach, expect, it } from "vitest";
import type { AlertView, NotificationView } from "@helpkey/shared";
import { createHousehold, type Household } from "../helpers/community";
import { pressBarrier, withoutBarrier } from "../helpers/barrier";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let home: Household;
beforeEach(async () => {
  sys = await startTestSystem();
  home = await createHousehold(sys.api, {
    // no quiet hours: the service text goes out whatever the hour of the run
    policy: { quietHours: null },
    contacts: [
      { name: "Daughter", phone: "+8613812340001", priority: 1 },
      { name: "Grid worker Chen", phone: "+8613812340002", priority: 3, relation: "grid worker" },
    ],
  });
  sys.phone!.setPerson("+8613812340001", { never: true });
});
afterEach(async () => {
  await sys.close();
});

it("a cancel within the window withdraws the alarm: cancelled, calls stopped, contacts told", async () => {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const raised = await device.waitForAck(device.press().seq, "received", 5000);
    await waitFor(() => sys.phone!.calls.length >= 1, 5000, "the first call");
    const { seq } = device.press({ action: "cancel" });
    const cancelled = await device.waitForAck(seq, "cancelled", 5000);
    expect(cancelled.alertId).toBe(raised.alertId);
    const a = (await sys.api<AlertView & { notifications: NotificationView[] }>("GET", `/api/alerts/${raised.alertId}`)).body;
    expect(a.state).toBe("cancelled");
    await waitFor(() => sys.phone!.messages.filter((m) => m.body.includes("cancelled by the resident")).length === 2, 5000, "cancel SMS");
    await waitFor(() => sys.phone!.calls[0]!.status === "canceled" || sys.phone!.calls[0]!.status === "completed", 5000, "the ringing call hung up");
  } finally {
    await device.close();
  }
});

it("a service request reaches the console and the grid worker by SMS, with no calls", async () => {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const ack = await device.waitForAck(device.press({ kind: "service" }).seq, "received", 5000);
    await waitFor(() => sys.phone!.messages.length >= 1, 5000, "the grid worker's SMS");
    const barrier = await pressBarrier(sys, { communityId: home.communityId });
    expect(withoutBarrier(sys.phone!.messages, barrier).map((m) => m.to)).toEqual(["+8613812340002"]);
    expect(withoutBarrier(sys.phone!.calls, barrier)).toEqual([]);
    const a = (await sys.api<AlertView>("GET", `/api/alerts/${ack.alertId}`)).body;
    expect(a).toMatchObject({ kind: "service", state: "open", priority: 9 });
  } finally {
    await device.close();
  }
});

it("a test press is recorded and closed at once, nobody is called", async () => {
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const ack = await device.waitForAck(device.press({ action: "test" }).seq, "resolved", 5000);
    const a = (await sys.api<AlertView>("GET", `/api/alerts/${ack.alertId}`)).body;
    expect(a).toMatchObject({ state: "resolved", outcome: "test" });
    const barrier = await pressBarrier(sys, { communityId: home.communityId });
    expect(withoutBarrier(sys.phone!.messages, barrier)).toEqual([]);
    expect(withoutBarrier(sys.phone!.calls, barrier)).toEqual([]);
  } finally {
    await device.close();
  }
});
