/** Who texts and calls go out from (config.ts sendersOf): TWILIO_FROM, TWILIO_MESSAGING_SERVICE_SID, HK_SMS_SENDERS. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

const twilio = { TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef", TWILIO_AUTH_TOKEN: "token", HK_PUBLIC_URL: "https://helpkey.example.org" };
const SERVICE = "MG0123456789abcdef0123456789abcdef";
const load = (env: Record<string, string>) => loadConfig({ HK_DATA_DIR: "/tmp/unused", ...env });
const refused = (env: Record<string, string>): string => {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("accepted");
};

describe("senders", () => {
  it("TWILIO_FROM lists the numbers texts and calls rotate through; the channel's own default is the first", () => {
    const c = load({ ...twilio, TWILIO_FROM: "+15550000001, +15550000002,+15550000003" });
    expect(c.senders).toEqual({ sms: ["+15550000001", "+15550000002", "+15550000003"], smsPoolSize: 1, calls: ["+15550000001", "+15550000002", "+15550000003"] });
    expect(c.twilio!.from).toBe("+15550000001");
  });

  it("a Messaging Service sends the texts, at HK_SMS_SENDERS numbers' rate; calls keep TWILIO_FROM", () => {
    const c = load({ ...twilio, TWILIO_FROM: "+15550000001", TWILIO_MESSAGING_SERVICE_SID: SERVICE, HK_SMS_SENDERS: "10" });
    expect(c.senders).toEqual({ sms: [SERVICE], smsPoolSize: 10, calls: ["+15550000001"] });
    expect(load({ ...twilio, TWILIO_FROM: "+15550000001", TWILIO_MESSAGING_SERVICE_SID: SERVICE }).senders!.smsPoolSize).toBe(1);
  });

  it("a Twilio-compatible server without credentials may name its senders; without any, the emulator's own", () => {
    expect(load({ HK_TWILIO_API_URL: "http://127.0.0.1:4010", TWILIO_FROM: "+15550000001,+15550000002" }).senders!.sms).toHaveLength(2);
    expect(load({}).senders).toBeUndefined();
  });

  it("refuses what would send from the wrong place or at the wrong rate, naming the variable", () => {
    expect(refused({ ...twilio, TWILIO_FROM: "+15550000001,12345" })).toContain('TWILIO_FROM: "12345" is not an E.164 number');
    expect(refused({ ...twilio, TWILIO_FROM: "+15550000001,+15550000001" })).toContain("listed twice");
    expect(refused({ ...twilio, TWILIO_FROM: " , " })).toContain("TWILIO_FROM: no number");
    expect(refused({ ...twilio, TWILIO_FROM: "+15550000001", HK_SMS_SENDERS: "5" })).toContain("HK_SMS_SENDERS");
    expect(refused({ ...twilio, TWILIO_FROM: "+15550000001", TWILIO_MESSAGING_SERVICE_SID: "MG12" })).toContain("TWILIO_MESSAGING_SERVICE_SID");
    expect(refused({ HK_TWILIO_API_URL: "http://127.0.0.1:4010", TWILIO_MESSAGING_SERVICE_SID: SERVICE })).toContain("TWILIO_FROM: required with TWILIO_MESSAGING_SERVICE_SID");
    expect(refused({ TWILIO_MESSAGING_SERVICE_SID: SERVICE, TWILIO_FROM: "+15550000001" })).toContain("go together");
    expect(refused({ HK_TWILIO_API_URL: "http://127.0.0.1:4010", HK_SMS_SENDERS: "0", TWILIO_FROM: "+15550000001" })).toContain("HK_SMS_SENDERS");
  });
});
