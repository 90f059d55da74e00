/**
 * Configuration, parsed once from the environment and frozen.
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
  HK_DOOR_CODE_KEY: z.string().refine((v) => Buffer.from(v, "base64").length === 32, "HK_DOOR_CODE_KEY must be 32 bytes in base64 (openssl rand -base64 32)").optional(),
  HK_PUBLIC_URL: z.url().optional(),
  HK_MQTT_URL: z.url().optional(),
  // the embedded broker's optional device listeners; unset or empty: off
  HK_MQTT_TLS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_MQTT_WS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_MQTT_WSS_PORT: z.preprocess((v) => (v === "" ? undefined : v), port.optional()),
  HK_TLS_CERT: z.string().min(1).optional(),
  HK_TLS_KEY: z.string().min(1).optional(),
  // what one source address may cost the embedded broker before it logs in (docs/security.md)
  HK_MQTT_CONNECT_TIMEOUT_S: z.coerce.number().min(0.1).max(300).default(10),
  HK_MQTT_PENDING_PER_SOURCE: z.coerce.number().int().min(1).default(5_000),
  HK_MQTT_CONNECTS_PER_S: z.coerce.number().positive().default(500),
  HK_MQTT_CONNECTS_BURST: z.coerce.number().int().min(1).default(5_000),
  HK_MQTT_DEVICE_CONNECTS_PER_S: z.coerce.number().positive().default(1),
  HK_MQTT_DEVICE_CONNECTS_BURST: z.coerce.number().int().min(1).default(10),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  HK_TWILIO_API_URL: z.url().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().regex(/^MG[0-9a-fA-F]{32}$/, "must be the Messaging Service's sid: MG and 32 hex digits").optional(),
  HK_SMS_SENDERS: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Default: on with the built-in emulator, off with real Twilio credentials. */
  HK_DEMO: flag.optional(),
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
  /** The key that seals door codes (base64, 32 bytes); unset: `door-code.key` in the data directory. */
  doorCodeKey: string | undefined;
  publicUrl: string | undefined;
  mqttUrl: string | undefined;
  /**
   * The embedded broker's device listeners beside plain TCP (a port unset is off), and the PEM
   * text of HK_TLS_CERT / HK_TLS_KEY for the TLS ones. Spread into the broker's options.
   */
  mqttListeners: Readonly<{ tlsPort?: number; wsPort?: number; wssPort?: number; tls?: Readonly<{ cert: string; key: string }> }>;
  /**
   * What one source address (IPv6: its /64) may cost the embedded broker before it logs in (the
   * CONNECT timeout, connections open and not yet past CONNACK, new connections a second), and how
   * often one device id may log in. Spread into the broker's options.
   */
  mqttLimits: Readonly<{
    connectTimeoutMs: number;
    pendingPerSource: number;
    connectRate: Readonly<{ perSecond: number; burst: number }>;
    /** Logins of one device id with the right secret (a device reconnecting in a loop). */
    deviceConnectRate: Readonly<{ perSecond: number; burst: number }>;
  }>;
  /** HK_TLS_CERT's path: a device trusts a self-signed certificate by being given this file. */
  tlsCertFile: string | undefined;
  twilio: { accountSid: string; authToken: string; from: string; apiUrl: string | undefined } | undefined;
  /** A Twilio-compatible server to use without Twilio credentials (e.g. a separately run emulator). */
  twilioApiUrl: string | undefined;
  /** Its auth token (signatures), from TWILIO_AUTH_TOKEN when only that is set. */
  twilioAuthToken: string | undefined;
  /** Who texts and calls go out from (sendersOf); undefined: the built-in emulator's own number. */
  senders: Readonly<{ sms: readonly string[]; smsPoolSize: number; calls: readonly string[] }> | undefined;
  demo: boolean;
  metrics: boolean;
  logLevel: string;
  rates: { smsPerSecond: number; callsPerSecond: number; maxInFlight: number };
  /** Whose X-Forwarded-For / -Proto the HTTP side believes (HK_TRUST_PROXY). */
  trustProxy: TrustProxy;
}

export class ConfigError extends Error {}

/**
 * Twilio fetches each call's words and sends every answer, key press and SMS reply to HK_PUBLIC_URL,
 * and the patrol's links point there: with real credentials it must be an address Twilio can reach.
 */
function publicUrlForTwilio(url: string | undefined): void {
  const fix = "set HK_PUBLIC_URL to the address Twilio and the patrol's phones reach this gateway at (e.g. https://helpkey.example.org, behind your TLS proxy)";
  if (!url) throw new ConfigError(`invalid configuration:\n  HK_PUBLIC_URL: required with real Twilio credentials: ${fix}`);
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  if (/^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1?|::ffff:127\.\d+\.\d+\.\d+)$/i.test(host)) {
    throw new ConfigError(`invalid configuration:\n  HK_PUBLIC_URL: ${url} is this machine's loopback address, which Twilio cannot call back: ${fix}`);
  }
}

/** Parses the environment; throws ConfigError naming the variable and what to do. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = r.data;
  const tw = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM];
  if ((e.TWILIO_ACCOUNT_SID || (e.TWILIO_FROM && !e.HK_TWILIO_API_URL)) && !tw.every(Boolean)) {
    throw new ConfigError("invalid configuration:\n  TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together: set all three, or none to use the built-in phone-network emulator (with HK_TWILIO_API_URL alone, TWILIO_FROM may name the numbers to send from)");
  }
  const senders = sendersOf(e);
  // a Twilio-compatible server of your own (HK_TWILIO_API_URL) may well call back on this machine
  if (e.TWILIO_ACCOUNT_SID && !e.HK_TWILIO_API_URL) publicUrlForTwilio(e.HK_PUBLIC_URL);
  return Object.freeze({
    httpPort: e.HK_HTTP_PORT,
    mqttPort: e.HK_MQTT_PORT,
    host: e.HK_HOST,
    dataDir: e.HK_DATA_DIR,
    adminToken: e.HK_ADMIN_TOKEN,
    doorCodeKey: e.HK_DOOR_CODE_KEY,
    publicUrl: e.HK_PUBLIC_URL,
    mqttUrl: e.HK_MQTT_URL,
    mqttListeners: mqttListenersOf(e),
    mqttLimits: Object.freeze({
      connectTimeoutMs: Math.round(e.HK_MQTT_CONNECT_TIMEOUT_S * 1000),
      pendingPerSource: e.HK_MQTT_PENDING_PER_SOURCE,
      connectRate: Object.freeze({ perSecond: e.HK_MQTT_CONNECTS_PER_S, burst: e.HK_MQTT_CONNECTS_BURST }),
      deviceConnectRate: Object.freeze({ perSecond: e.HK_MQTT_DEVICE_CONNECTS_PER_S, burst: e.HK_MQTT_DEVICE_CONNECTS_BURST }),
    }),
    tlsCertFile: e.HK_TLS_CERT,
    twilio: e.TWILIO_ACCOUNT_SID
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: senders!.calls[0]!, apiUrl: e.HK_TWILIO_API_URL }
      : undefined,
    twilioApiUrl: e.HK_TWILIO_API_URL,
    twilioAuthToken: e.TWILIO_AUTH_TOKEN,
    senders,
    demo: e.HK_DEMO ?? !e.TWILIO_ACCOUNT_SID,
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

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Who texts and calls go out from, at Twilio's limits: a long code sends one SMS segment a second,
 * an account places one call a second by default. TWILIO_FROM is one E.164 number or several,
 * comma-separated: texts rotate through them, each at HK_SMS_PER_S; calls rotate through them at
 * HK_CALLS_PER_S for the account. TWILIO_MESSAGING_SERVICE_SID sends the texts through a Messaging
 * Service instead (it picks a number of its pool), at HK_SMS_PER_S × HK_SMS_SENDERS, the numbers in
 * that pool; calls still go out from TWILIO_FROM. Unset: the built-in emulator's own number.
 */
function sendersOf(e: z.infer<typeof envSchema>): Config["senders"] {
  const fail = (line: string): never => {
    throw new ConfigError(`invalid configuration:\n  ${line}`);
  };
  const numbers = (e.TWILIO_FROM ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of numbers) if (!E164.test(n)) fail(`TWILIO_FROM: "${n}" is not an E.164 number (+ and 7 to 15 digits, e.g. +8613800000000); separate several with commas`);
  if (e.TWILIO_ACCOUNT_SID && numbers.length === 0) fail("TWILIO_FROM: no number in it; give the E.164 number(s) texts and calls go out from, comma-separated");
  if (new Set(numbers).size !== numbers.length) fail("TWILIO_FROM: a number is listed twice; list each sender once");
  const service = e.TWILIO_MESSAGING_SERVICE_SID;
  if (service && !e.TWILIO_ACCOUNT_SID && !e.HK_TWILIO_API_URL) fail("TWILIO_MESSAGING_SERVICE_SID: needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM (or HK_TWILIO_API_URL)");
  if (service && numbers.length === 0) fail("TWILIO_FROM: required with TWILIO_MESSAGING_SERVICE_SID: calls go out from a number (a Messaging Service sends texts only)");
  if (e.HK_SMS_SENDERS !== undefined && !service) fail("HK_SMS_SENDERS: the number of phone numbers in TWILIO_MESSAGING_SERVICE_SID's pool; without a Messaging Service, list the numbers in TWILIO_FROM instead (each sends at HK_SMS_PER_S)");
  if (numbers.length === 0) return undefined;
  return Object.freeze({ sms: Object.freeze(service ? [service] : numbers), smsPoolSize: service ? e.HK_SMS_SENDERS ?? 1 : 1, calls: Object.freeze(numbers) });
}
