/** What the HTTP layer is given by the composition root (main.ts). */
import type { Logger } from "pino";
import type { AlertContext } from "../alerts/context";
import type { TrustProxy } from "../config";
import type { Effects } from "../alerts/effects";
import type { ConsoleHub } from "../console/console-hub";
import type { HashPool } from "../devices/hash-pool";
import type { Metrics } from "../metrics/metrics";
import type { AdminToken } from "./auth";
import type { AdminTokenRotation } from "../admin-token-rotation";
import type { PhoneStatus } from "../notify/phone-health";
import type { LoginGuard } from "./login-guard";
import type { Channel } from "@helpkey/shared";
import type { DoorCodeCipher } from "../board/door-code-cipher";
import type { ChannelStatus } from "../notify/outbox-send";

export interface HealthProbe {
  broker: () => boolean;
  database: () => boolean;
  workers: () => boolean;
  /** Which phone network, and whether it reaches anyone. */
  phone: () => PhoneStatus;
}

export interface AppDeps {
  ctx: AlertContext;
  hub: ConsoleHub;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  adminToken: AdminToken;
  /** Issues a new admin token while running (POST /api/admin-token/rotate). */
  adminTokenRotation?: AdminTokenRotation;
  loginGuard: LoginGuard;
  /** Where slow hashes run (device secrets, passwords): never the event loop nor libuv's pool. */
  hashes: HashPool;
  /** Fastify's trustProxy (HK_TRUST_PROXY): whose X-Forwarded-* headers say the client's address and protocol. */
  trustProxy: TrustProxy;
  dispatch: (fx: Effects) => void;
  health: HealthProbe;
  /** The built-in phone network's panel of what each demo phone received; null with a real provider. */
  phonesPanelUrl?: string | null;
  /** The MQTT URL devices are told to use. */
  deviceMqttUrl: string;
  /** Kick a device off the broker (revocation, rotation). */
  disconnectDevice: (id: string) => void;
  metricsEnabled: boolean;
  /** Seals and opens door codes (the key is kept out of the database). */
  doorCodes: DoorCodeCipher;
  /** The built console (dashboard/dist); when it is missing, `/` says how to build it. */
  dashboardDir: string;
  /** Twilio webhook verification. */
  twilio: { authToken: string; publicUrl: string };
  /** Wake the outbox (a call ended, a cascade is due). */
  wakeOutbox: () => void;
  /** Per channel: the outbox's rate and pause (the console's backlog); null before it runs. */
  outbox: () => Record<Channel, ChannelStatus> | null;
}
