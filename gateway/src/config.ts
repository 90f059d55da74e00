/**
 * Configuration, parsed once from the environment (DESIGN.md "Configuration") and frozen.
 * The only module that reads process.env.
 */
import { readFileSync } from "node:fs";
import { createPrivateKey, X509Certificate } from "node:crypto";
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
  // the embedded broker's optional device listeners; unset or empty: off
  HK_MQTT_TLS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_MQTT_WS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_MQTT_WSS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_TLS_CERT: z.string().min(1).optional(),
  HK_TLS_KEY: z.string().min(1).optional(),
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
  HK_TRUST_PROXY: z.string().trim().optional(),
});

/**
 * HK_TRUST_PROXY: unset or "false" trusts no proxy; "true" every one; a number the hops in front;
 * otherwise a comma-separated list of proxy addresses or CIDRs (Fastify's trustProxy).
 */
function trustProxyOf(v: string | undefined): TrustProxy {
  if (v === undefined || v === "" || v === "false" || v === "0") return false;
  if (v === "true") return true;
  if (/^[1-9][0-9]?$/.test(v)) {
    const hops = Number(v);
    return (_address: string, hop: number) => hop < hops;
  }
  return v.split(",").map((s) => s.trim()).filter(Boolean);
}

/** Fastify's trustProxy: none, all, a list of proxies, or (for a hop count) a test per hop. */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export interface Config {
  httpPort: number;
  mqttPort: number;
  host: string;
  dataDir: string;
  adminToken: string | undefined;
  publicUrl: string | undefined;
  mqttUrl: string | undefined;
  /**
   * The embedded broker's device listeners beside plain TCP (a port unset is off), and the PEM
   * text of HK_TLS_CERT / HK_TLS_KEY for the TLS ones. Spread into the broker's options.
   */
  mqttListeners: Readonly<{ tlsPort?: number; wsPort?: number; wssPort?: number; tls?: Readonly<{ cert: string; key: string }> }>;
  /** HK_TLS_CERT's path: a device trusts a self-signed certificate by being given this file. */
  tlsCertFile: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string; apiUrl: string | undefined } | undefined;
  /** A Twilio-compatible server to use without Twilio credentials (e.g. a separately run emulator). */
  twilioApiUrl: string | undefined;
  /** Its auth token (signatures), from TWILIO_AUTH_TOKEN when only that is set. */
  twilioAuthToken: string | undefined;
  demo: boolean;
  metrics: boolean;
  logLevel: string;
  rates: { smsPerSecond: number; callsPerSecond: number; maxInFlight: number };
  /** Whose X-Forwarded-For / -Proto the HTTP side believes (HK_TRUST_PROXY). */
  trustProxy: TrustProxy;
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
    mqttListeners: mqttListenersOf(e),
    tlsCertFile: e.HK_TLS_CERT,
    twilio: e.TWILIO_ACCOUNT_SID
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM!, apiUrl: e.HK_TWILIO_API_URL }
      : undefined,
    twilioApiUrl: e.HK_TWILIO_API_URL,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    demo: e.HK_DEMO,
    metrics: e.HK_METRICS,
    logLevel: e.HK_LOG_LEVEL,
    rates: { smsPerSecond: e.HK_SMS_PER_S, callsPerSecond: e.HK_CALLS_PER_S, maxInFlight: e.HK_MAX_IN_FLIGHT },
    trustProxy: trustProxyOf(e.HK_TRUST_PROXY),
  });
}

/**
 * HK_MQTT_TLS_PORT, HK_MQTT_WS_PORT, HK_MQTT_WSS_PORT with HK_TLS_CERT and HK_TLS_KEY: the files
 * are read and checked here, so a bad one stops the start with the variable's name, not a TLS
 * error when the first device connects.
 */
function mqttListenersOf(e: z.infer<typeof envSchema>): Config["mqttListeners"] {
  const fail = (line: string): never => {
    throw new ConfigError(`invalid configuration:\n  ${line}`);
  };
  const ports = { HK_MQTT_TLS_PORT: e.HK_MQTT_TLS_PORT, HK_MQTT_WS_PORT: e.HK_MQTT_WS_PORT, HK_MQTT_WSS_PORT: e.HK_MQTT_WSS_PORT };
  const set = Object.entries(ports).filter(([, v]) => v !== undefined);
  if (set.length === 0) return Object.freeze({});
  if (e.HK_MQTT_URL) fail(`${set.map(([k]) => k).join(", ")}: these open listeners of the embedded broker, which HK_MQTT_URL replaces; configure TLS and WebSocket on the external broker instead`);
  const taken = new Map<number, string>([[e.HK_MQTT_PORT, "HK_MQTT_PORT"], [e.HK_HTTP_PORT, "HK_HTTP_PORT"]]);
  for (const [name, value] of set) {
    const other = value === 0 ? undefined : taken.get(value!);
    if (other) fail(`${name}: port ${value} is already ${other}'s; give each listener a port of its own`);
    taken.set(value!, name);
  }
  const secure = set.map(([k]) => k).filter((k) => k !== "HK_MQTT_WS_PORT");
  if (secure.length === 0) return Object.freeze({ wsPort: e.HK_MQTT_WS_PORT! });

  const read = (name: "HK_TLS_CERT" | "HK_TLS_KEY", what: string): string => {
    const file = e[name];
    if (!file) return fail(`${name}: required with ${secure.join(" and ")}: the path of the PEM file with the ${what}`);
    try {
      return readFileSync(file, "utf8");
    } catch (err) {
      return fail(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}): give the path of a readable PEM file with the ${what}`);
    }
  };
  const cert = read("HK_TLS_CERT", "broker's certificate chain");
  const key = read("HK_TLS_KEY", "certificate's private key");
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    return fail(`HK_TLS_CERT: ${e.HK_TLS_CERT} is not a PEM certificate ("-----BEGIN CERTIFICATE-----")`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    return fail(`HK_TLS_KEY: ${e.HK_TLS_KEY} is not an unencrypted PEM private key (decrypt it first, e.g. openssl pkey -in KEY -out KEY.plain)`);
  }
  if (!x509.checkPrivateKey(privateKey)) fail(`HK_TLS_KEY: the key in ${e.HK_TLS_KEY} does not belong to the certificate in ${e.HK_TLS_CERT}`);
  return Object.freeze({
    ...(e.HK_MQTT_TLS_PORT !== undefined ? { tlsPort: e.HK_MQTT_TLS_PORT } : {}),
    ...(e.HK_MQTT_WS_PORT !== undefined ? { wsPort: e.HK_MQTT_WS_PORT } : {}),
    ...(e.HK_MQTT_WSS_PORT !== undefined ? { wssPort: e.HK_MQTT_WSS_PORT } : {}),
    tls: Object.freeze({ cert, key }),
  });
}
