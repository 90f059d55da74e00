/** What the HTTP layer is given by the composition root (main.ts). */
import type { Logger } from "pino";
import type { AlertContext } from "../alerts/context";
import type { Effects } from "../alerts/effects";
import type { ConsoleHub } from "../console/console-hub";
import type { Metrics } from "../metrics/metrics";
import type { Authenticate } from "./auth";

export interface HealthProbe {
  broker: () => boolean;
  database: () => boolean;
  workers: () => boolean;
}

export interface AppDeps {
  ctx: AlertContext;
  hub: ConsoleHub;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  authenticate: Authenticate;
  dispatch: (fx: Effects) => void;
  health: HealthProbe;
  /** The MQTT URL devices are told to use. */
  deviceMqttUrl: string;
  /** Kick a device off the broker (revocation, rotation). */
  disconnectDevice: (id: string) => void;
  metricsEnabled: boolean;
  /** Built dashboard (dashboard/dist) or its plain page. */
  dashboardDir: string;
  /** Twilio webhook verification (issue 3). */
  twilio: { authToken: string; publicUrl: string };
  /** Wake the outbox (a call ended, a cascade is due). */
  wakeOutbox: () => void;
}
