/** The webhooks' signature check: one HMAC for the URL we gave the provider, the SDK's variants otherwise. */
import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { validTwilioSignature } from "../src/notify/twilio-routes";

const token = "auth-token-0123456789";
const url = "http://127.0.0.1:8080/twilio/call-status/7";
const params = { CallSid: "CA0001", CallStatus: "completed", Called: ["+8613800000001", "+8613800000002"] };

describe("validTwilioSignature", () => {
  it("accepts the signature of the URL as configured", () => {
    expect(validTwilioSignature(token, twilio.getExpectedTwilioSignature(token, url, params), url, params)).toBe(true);
  });

  it("still accepts what the SDK accepts: a signature of the URL without its port (a proxy dropped it)", () => {
    const withoutPort = twilio.getExpectedTwilioSignature(token, "http://127.0.0.1/twilio/call-status/7", params);
    expect(validTwilioSignature(token, withoutPort, url, params)).toBe(true);
  });

  it("refuses another token, another URL, changed parameters and garbage", () => {
    expect(validTwilioSignature(token, twilio.getExpectedTwilioSignature("another-token", url, params), url, params)).toBe(false);
    expect(validTwilioSignature(token, twilio.getExpectedTwilioSignature(token, `${url}0`, params), url, params)).toBe(false);
    expect(validTwilioSignature(token, twilio.getExpectedTwilioSignature(token, url, params), url, { ...params, CallStatus: "busy" })).toBe(false);
    expect(validTwilioSignature(token, "", url, params)).toBe(false);
    expect(validTwilioSignature(token, "bm90LWEtc2lnbmF0dXJl", url, params)).toBe(false);
  });
});
