/**
 * Configuration, parsed once from the environment (DESIGN.md "Configuration") and frozen.
 * The only module that reads process.env.
 */
import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

const envSchema = z.object({
  HK_HTTP_PORT: port.default(8080),
  HK_MQTT_PORT: port.default(1883),
  HK_HOST: z.string().min(1).default("127.0.0.1"),
  HK_DATA_DIR: z.string().min(1).default("./data"),
  HK_ADMIN_TOKEN: z.string().min(16, "HK_ADMIN_TOKEN must be at least 16 characters").optional(),
  HK_PUBLIC_URL: z.url().optional(),
  HK_MQTT_URL: z.url().optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  HK_TWILIO_API_URL: z.url().optional(),
  HK_DEMO: flag.default(true),
  HK_METRICS: flag.default(true),
  HK_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HK_SMS_PER_S: z.coerce.number().positive().default(1),
  HK_CALLS_PER_S: z.coerce.number().positive().default(1),
  HK_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(10),
});

export interface Config {
  httpPort: number;
  mqttPort: number;
  host: string;
  dataDir: string;
  adminToken: string | undefined;
  publicUrl: string | undefined;
  mqttUrl: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string; apiUrl: string | undefined } | undefined;
  /** A Twilio-compatible server to use without Twilio credentials (e.g. a separately run emulator). */
  twilioApiUrl: string | undefined;
  /** Its auth token (signatures), from TWILIO_AUTH_TOKEN when only that is set. */
  twilioAuthToken: string | undefined;
  demo: boolean;
  metrics: boolean;
  logLevel: string;
  rates: { smsPerSecond: number; callsPerSecond: number; maxInFlight: number };
}

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError naming the variable and what to do. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = r.data;
  const tw = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM];
  if ((e.TWILIO_ACCOUNT_SID || e.TWILIO_FROM) && !tw.every(Boolean)) {
    throw new ConfigError("invalid configuration:\n  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together: set all three, or none to use the built-in phone-network emulator");
  }
  return Object.freeze({
    httpPort: e.HK_HTTP_PORT,
    mqttPort: e.HK_MQTT_PORT,
    host: e.HK_HOST,
    dataDir: e.HK_DATA_DIR,
    adminToken: e.HK_ADMIN_TOKEN,
    publicUrl: e.HK_PUBLIC_URL,
    mqttUrl: e.HK_MQTT_URL,
    twilio: e.TWILIO_ACCOUNT_SID
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM!, apiUrl: e.HK_TWILIO_API_URL }
      : undefined,
    twilioApiUrl: e.HK_TWILIO_API_URL,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    demo: e.HK_DEMO,
    metrics: e.HK_METRICS,
    logLevel: e.HK_LOG_LEVEL,
    rates: { smsPerSecond: e.HK_SMS_PER_S, callsPerSecond: e.HK_CALLS_PER_S, maxInFlight: e.HK_MAX_IN_FLIGHT },
  });
}
