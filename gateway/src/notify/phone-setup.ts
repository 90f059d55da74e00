/**
 * Which phone network the outbox talks to:
 * Twilio with TWILIO_* credentials; any Twilio-compatible server at HK_TWILIO_API_URL;
 * otherwise the built-in phone-network emulator (firmware-sim), so the whole loop runs on one machine.
 * In every case the real twilio SDK makes the requests, on its own thread (channel-thread.ts).
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { ChannelInit } from "./channel-messages";
import type { PhoneChannel } from "./phone-channel";
import { startChannelThread } from "./channel-thread";
import { PhoneHealth } from "./phone-health";

/** Credentials the built-in emulator is started with (local only; the token is per process). */
export const EMULATOR_ACCOUNT_SID = "AC00000000000000000000000000000000";
export const EMULATOR_FROM = "+10000000000";
const TWILIO_API = "https://api.twilio.com";

export interface PhoneSetup {
  channel: PhoneChannel;
  /** Which network, and whether it reaches anyone (/healthz, the consoles' banner). */
  health: PhoneHealth;
  authToken: string;
  network: import("@helpkey/firmware-sim/phone-network").PhoneNetwork | null;
  setWebhookBase?: (publicUrl: string) => void;
  close(): Promise<void>;
}

export async function startPhone(config: Readonly<Config>, logger: Logger, channel?: PhoneChannel, speed = 1): Promise<PhoneSetup> {
  const log = logger.child({ part: "phone-channel" });
  // an injected channel (embedding) is used as it is; otherwise the SDK runs on its thread
  const sdk = (o: ChannelInit) => {
    if (channel) return { channel, close: async () => undefined };
    const thread = startChannelThread(o, log);
    return { channel: thread, close: () => thread.close() };
  };
  /** The channel, its health watched by fetching the account (unless a channel was injected). */
  const watched = async (o: ChannelInit, mode: "twilio" | "compatible" | "emulator", apiBase: string) => {
    const health = new PhoneHealth(channel ? "injected" : mode, log);
    const c = sdk(o);
    if (!channel) await health.watchAccount(apiBase, o.accountSid, o.authToken);
    return { channel: c.channel, health, close: async () => (health.close(), await c.close()) };
  };
  if (config.twilio) {
    const t = config.twilio;
    return { ...(await watched(t, "twilio", t.apiUrl ?? TWILIO_API)), authToken: t.authToken, network: null };
  }
  if (config.twilioApiUrl) {
    const authToken = config.twilioAuthToken ?? "helpkey-emulator";
    return { ...(await watched({ accountSid: EMULATOR_ACCOUNT_SID, authToken, from: EMULATOR_FROM, apiUrl: config.twilioApiUrl }, "compatible", config.twilioApiUrl)), authToken, network: null };
  }
  const { createPhoneNetwork } = await import("@helpkey/firmware-sim/phone-network");
  const authToken = randomBytes(16).toString("hex");
  const network = await createPhoneNetwork({ host: config.host, port: 0, accountSid: EMULATOR_ACCOUNT_SID, authToken, speed, logger: logger.child({ part: "phone-network" }) });
  logger.warn({ url: network.url }, "no Twilio credentials: using the built-in phone-network emulator; nobody is really texted or called");
  const client = await watched({ accountSid: EMULATOR_ACCOUNT_SID, authToken, from: EMULATOR_FROM, apiUrl: network.url }, "emulator", network.url);
  return {
    ...client, authToken, network,
    setWebhookBase: (base) => network.setInboundSmsUrl(`${base}/twilio/sms-inbound`),
    close: async () => {
      await client.close();
      await network.close();
    },
  };
}
