/**
 * Every time a person reads or hears is in the community's time zone (policy `timeZone`), 24-hour
 * HH:mm, whatever the server's own zone; the device's texts are in the residents' language.
 */
import { afterEach, expect, it } from "vitest";
import type { AlertView } from "@helpkey/shared";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

const newYork = (at: number) => new Intl.DateTimeFormat("en-GB", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);

it("a community in New York: its texts and the device say New York time; the device speaks the residents' language", async () => {
  sys = await startTestSystem();
  // a Chinese-speaking community centre; the household's residents speak English (tests/helpers/community.ts)
  const community = await sys.api<{ id: number }>("POST", "/api/communities", { name: "Queens Court", language: "zh-CN", policy: { timeZone: "America/New_York" } });
  expect(community.status).toBe(201);
  const home = await createHousehold(sys.api, {
    communityId: community.body.id, resident: "Grandma Li",
    contacts: [{ name: "Daughter", phone: "+12125550101", priority: 1 }, { name: "Son", phone: "+12125550102", priority: 2, language: "zh-CN" }],
  });
  sys.phone!.setPerson("+12125550101", { answerAfterS: 0.3, press: "1", pressAfterS: 0.2 });
  sys.phone!.setPerson("+12125550102", { never: true });
  const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
  try {
    const acked = await device.waitForAck(device.press().seq, "acknowledged", 10_000);
    const a = (await sys.api<AlertView>("GET", `/api/alerts/${acked.alertId}`)).body;
    expect(acked.text).toBe(`Daughter is on the way (${newYork(a.goingAt!)})`);

    const alarmText = await waitFor(() => sys!.phone!.messages.find((m) => m.to === "+12125550101"), 5000, "the daughter's alarm text");
    expect(alarmText.body).toContain(`from Grandma Li at ${newYork(a.firstPressAt)}:`);
    const going = await waitFor(() => sys!.phone!.messages.find((m) => m.to === "+12125550102" && m.body.includes("Daughter正在前往")), 5000, "the son told");
    expect(going.body).toContain(`（${newYork(a.goingAt!)}）`);
  } finally {
    await device.close();
  }
});
