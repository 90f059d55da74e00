/**
 * No silent misconfiguration of the phone channel: real Twilio credentials need a public
 * HK_PUBLIC_URL and turn the demo off by default; credentials the provider refuses turn /healthz red
 * and put a banner on every console; the built-in emulator says it is one (in /healthz and on the
 * console); the demo's phone numbers are in a range reserved for fiction.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { createPhoneNetwork, type PhoneNetwork } from "@helpkey/firmware-sim/phone-network";
import { ConfigError, loadConfig } from "@helpkey/gateway/config";
import { FICTION_PREFIX } from "@helpkey/gateway/demo/seed";
import { createUser, launchBrowser, openConsolePage } from "../helpers/browser";
import { createHousehold } from "../helpers/community";
import { connectSim } from "../helpers/device";
import { startTestSystem, waitFor, type TestSystem } from "../helpers/system";

const twilio = { TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef", TWILIO_AUTH_TOKEN: "the-right-token", TWILIO_FROM: "+15005550006" };

describe("configuration", () => {
  const load = (env: Record<string, string>) => loadConfig({ HK_DATA_DIR: "/tmp/unused", ...env });
  const refused = (env: Record<string, string>): string => {
    try {
      load(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error("loadConfig accepted it");
  };

  it("with real Twilio credentials, HK_PUBLIC_URL must be set and reachable from outside, and the demo is off unless asked for", () => {
    expect(refused(twilio)).toMatch(/HK_PUBLIC_URL: required with real Twilio credentials/);
    for (const url of ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080", "http://0.0.0.0"]) {
      expect(refused({ ...twilio, HK_PUBLIC_URL: url })).toMatch(/loopback address, which Twilio cannot call back/);
    }
    expect(load({ ...twilio, HK_PUBLIC_URL: "https://helpkey.example.org" }).demo).toBe(false);
    expect(load({ ...twilio, HK_PUBLIC_URL: "https://helpkey.example.org", HK_DEMO: "1" }).demo).toBe(true);
    // without credentials (the built-in emulator) the demo is on and any URL will do
    expect(load({}).demo).toBe(true);
  });
});

describe("the phone channel's health", () => {
  let browser: Browser;
  let sys: TestSystem | undefined;
  let provider: PhoneNetwork | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await sys?.close();
    sys = undefined;
    await provider?.close();
    provider = undefined;
  });

  it("credentials the provider refuses: /healthz is red, and every console says families are not being phoned", async () => {
    // a Twilio-compatible provider that knows this account under another token
    provider = await createPhoneNetwork({ accountSid: twilio.TWILIO_ACCOUNT_SID, authToken: "another-token" });
    sys = await startTestSystem({ env: { ...twilio, HK_TWILIO_API_URL: provider.url, HK_PUBLIC_URL: "https://helpkey.example.org" } });
    const health = await fetch(`${sys.httpUrl}/healthz`);
    expect(health.status).toBe(503);
    const body = (await health.json()) as { checks: { phone: boolean }; phone: { mode: string; ok: boolean; problem: string } };
    expect(body.checks.phone).toBe(false);
    expect(body.phone).toMatchObject({ mode: "twilio", ok: false });
    expect(body.phone.problem).toMatch(/refused the credentials \(HTTP 401\)/);
    const c = await sys.api<{ id: number }>("POST", "/api/communities", { name: "C" });
    const login = await createUser(sys.api, { name: "Night Shift", communityIds: [c.body.id] });
    const con = await openConsolePage(browser, sys.httpUrl, login);
    try {
      await con.page.waitForSelector("#phone-banner[data-state=down]:not([hidden])");
      expect(await con.page.textContent("#phone-banner")).toMatch(/families are NOT being texted or called/);
    } finally {
      await con.context.close();
    }
  });

  it("a send the provider refuses for our credentials fails no row: the text waits, the channel is red, and green again once a send goes through", async () => {
    provider = await createPhoneNetwork({ accountSid: twilio.TWILIO_ACCOUNT_SID, authToken: twilio.TWILIO_AUTH_TOKEN });
    sys = await startTestSystem({ env: { ...twilio, HK_TWILIO_API_URL: provider.url, HK_PUBLIC_URL: "https://helpkey.example.org" } });
    expect(sys.phoneStatus()).toMatchObject({ mode: "twilio", ok: true });
    const home = await createHousehold(sys.api, { contacts: [{ name: "Daughter", phone: "+8613800096001", priority: 1 }] });
    // both first requests (the alarm text and the first call) are refused; their retries go through
    provider.failNext(2, { status: 401, code: 20003 });
    const device = await connectSim(sys.mqttUrl, home.device.id, home.device.secret);
    try {
      const { alertId } = await device.waitForAck(device.press().seq, "received", 5000);
      await waitFor(() => !sys!.phoneStatus().ok, 10_000, "the channel reported down");
      expect(sys.phoneStatus().problem).toMatch(/refused the credentials/);
      // the refused text was retried, not failed, and went out once the provider took it
      const sms = await waitFor(() => provider!.messages.find((m) => m.to === "+8613800096001"), 20_000, "the alarm text");
      expect(sms.body).toContain(`#${alertId}`);
      await waitFor(() => sys!.phoneStatus().ok, 10_000, "the channel green again");
      const rows = (await sys.api<{ notifications: { channel: string; status: string; attempts: number }[] }>("GET", `/api/alerts/${alertId}`)).body.notifications;
      const text = rows.find((n) => n.channel === "sms")!;
      expect(text.status).not.toBe("failed");
      expect(text.attempts).toBe(2);
    } finally {
      await device.close();
    }
  });

  it("the built-in emulator says it is one, in /healthz and on the console; the demo's numbers are fictional", async () => {
    sys = await startTestSystem({ env: { HK_DEMO: "1" } });
    const health = await fetch(`${sys.httpUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { phone: { mode: string; ok: boolean } }).phone).toMatchObject({ mode: "emulator", ok: true });
    const contacts = (await sys.api<{ phone: string }[]>("GET", "/api/contacts")).body;
    expect(contacts.length).toBeGreaterThan(10);
    for (const c of contacts) expect(c.phone.startsWith(FICTION_PREFIX)).toBe(true);
    const login = await createUser(sys.api, { name: "Night Shift", communityIds: [sys.demo!.communityId] });
    const con = await openConsolePage(browser, sys.httpUrl, login);
    try {
      await con.page.waitForSelector("#phone-banner[data-state=emulator]:not([hidden])");
      expect(await con.page.textContent("#phone-banner")).toMatch(/Demo phone network/);
      // the banner links the panel of what each demo phone received, and the panel answers
      const panel = await con.page.getAttribute("#phones-panel-link", "href");
      expect(panel).toBe(sys.phoneUrl);
      expect((await fetch(`${panel}/phones.json`)).status).toBe(200);
    } finally {
      await con.context.close();
    }
  });
});
