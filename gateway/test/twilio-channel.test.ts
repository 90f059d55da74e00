/** The SDK's REST modules are loaded when the channel is made, so the first alarm after a start does not wait for them. */
import { createRequire } from "node:module";
import { expect, it } from "vitest";
import { createTwilioChannel } from "../src/notify/twilio-channel";

const MESSAGES_MODULE = /twilio[\\/]lib[\\/]rest[\\/]api[\\/]v2010[\\/]account[\\/]message\.js$/;
const CALLS_MODULE = /twilio[\\/]lib[\\/]rest[\\/]api[\\/]v2010[\\/]account[\\/]call\.js$/;

it("loads the SDK's message and call modules at creation, before any request", () => {
  const cache = createRequire(import.meta.url).cache;
  const loaded = (re: RegExp) => Object.keys(cache).some((k) => re.test(k));
  expect(loaded(MESSAGES_MODULE)).toBe(false); // nothing in this test file has touched the SDK yet
  createTwilioChannel({ accountSid: "AC00000000000000000000000000000000", authToken: "t", from: "+10000000000", apiUrl: "http://127.0.0.1:9" });
  expect(loaded(MESSAGES_MODULE)).toBe(true);
  expect(loaded(CALLS_MODULE)).toBe(true);
});
