/**
 * Which phone network the outbox talks to (DESIGN.md "Configuration"):
 * Twilio with TWILIO_* credentials; any Twilio-compatible server at HK_TWILIO_API_URL;
 * otherwise the built-in phone-network emulator (firmware-sim), so the whole loop runs on one machine.
 * In every case the real twilio SDK makes the requests.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "../config";
import type { PhoneChannel } from "./phone-channel";
import { createTwilioChannel } from "./twilio-channel";

/** Credentials the built-in emulator is started with (local only; the token is per process). */
export const EMULATOR_ACCOUNT_SID = "AC00000000000000000000000000000000";
export const EMULATOR_FROM = "+10000000000";

export interface PhoneSetup {
  channel: PhoneChannel;
  authToken: string;
  network: import("@helpkey/firmware-sim/phone-network").PhoneNetwork | null;
  setWebhookBase?: (publicUrl: string) => void;
  close(): Promise<void>;
}

export async function startPhone(config: Readonly<Config>, logger: Logger, channel?: PhoneChannel, speed = 1): Promise<PhoneSetup> {
  if (config.twilio) {
    const t = config.twilio;
    return { channel: channel ?? createTwilioChannel(t), authToken: t.authToken, network: null, close: async () => undefined };
  }
  if (config.twilioApiUrl) {
    const authToken = config.twilioAuthToken ?? "helpkey-emulator";
    return {
      channel: channel ?? createTwilioChannel({ accountSid: EMULATOR_ACCOUNT_SID, authToken, from: EMULATOR_FROM, apiUrl: config.twilioApiUrl }),
      authToken, network: null, close: async () => undefined,
    };
  }
  const { createPhoneNetwork } = await import("@helpkey/firmware-sim/phone-network");
  const authToken = randomBytes(16).toString("hex");
  const network = await createPhoneNetwork({ host: config.host, port: 0, accountSid: EMULATOR_ACCOUNT_SID, authToken, speed, logger: logger.child({ part: "phone-network" }) });
  logger.info({ url: network.url }, "no Twilio credentials: using the built-in phone-network emulator");
  return {
    channel: channel ?? createTwilioChannel({ accountSid: EMULATOR_ACCOUNT_SID, authToken, from: EMULATOR_FROM, apiUrl: network.url }),
    authToken, network,
    setWebhookBase: (base) => network.setInboundSmsUrl(`${base}/twilio/sms-inbound`),
    close: () => network.close(),
  };
}
