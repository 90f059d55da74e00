/**
 * `pnpm start`: the whole system on its embedded defaults (broker, gateway, console,
 * phone-network emulator, demo community). Configuration: environment only (config.ts).
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "./config";
import { startSystem } from "./system";
import { printBanner } from "./banner";
import { scriptDemoPeople } from "./demo/demo-people";
import { startDemoTv } from "./demo/demo-tv";

const HELP = `helpkey gateway — one-key emergency help

Usage: pnpm start [--new-admin-token]     (or: tsx gateway/src/main.ts …)

  --new-admin-token   replace the admin token with a new one, print it once, and end every
                      console session the old one opened (without HK_ADMIN_TOKEN only)
  -h, --help          this text

Starts the embedded MQTT broker, the gateway, the dispatcher console and, without Twilio
credentials, the built-in phone-network emulator; with HK_DEMO, the demo community and its TV
(a set-top box emulator with a remote, in the browser). Configured by environment variables only
(see README "Configuration"): HK_HTTP_PORT, HK_MQTT_PORT, HK_HOST, HK_DATA_DIR, HK_ADMIN_TOKEN,
HK_PUBLIC_URL, HK_MQTT_URL, HK_MQTT_TLS_PORT, HK_MQTT_WS_PORT, HK_MQTT_WSS_PORT, HK_TLS_CERT,
HK_TLS_KEY, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_MESSAGING_SERVICE_SID,
HK_SMS_SENDERS, HK_TWILIO_API_URL, HK_DEMO, HK_METRICS, HK_LOG_LEVEL, HK_SMS_PER_S, HK_CALLS_PER_S,
HK_MAX_IN_FLIGHT, HK_TRUST_PROXY, HK_DOOR_CODE_KEY, HK_MQTT_CONNECT_TIMEOUT_S,
HK_MQTT_PENDING_PER_SOURCE, HK_MQTT_CONNECTS_PER_S, HK_MQTT_CONNECTS_BURST,
HK_MQTT_DEVICE_CONNECTS_PER_S, HK_MQTT_DEVICE_CONNECTS_BURST.

Exit status: 0 after SIGTERM/SIGINT, 2 for a configuration error or a port in use, 75 when the
database could not be synced to disk (durability lost: let the service manager start it again).
Stops cleanly on SIGTERM / SIGINT.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: "boolean", short: "h" }, "new-admin-token": { type: "boolean" } }, strict: true });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const config = loadConfig();
  if (values["new-admin-token"] && config.adminToken) throw new ConfigError("--new-admin-token: the admin token comes from HK_ADMIN_TOKEN; change that variable instead");
  const system = await startSystem(config, {
    newAdminToken: values["new-admin-token"] ?? false,
    // no orderly stop: it would ack and release what may not be on disk; the service manager restarts us
    onFatal: () => {
      process.stderr.write("helpkey stopped: the database could not be synced to disk (see the log); fix the disk, then start it again\n");
      process.exit(75);
    },
  });
  // The quick start's emulator: the demo family answers and one of them presses 1, so a press shows a claim.
  if (system.demo && system.phone) scriptDemoPeople(system.phone);
  // The demo's set-top box, so the TV and its remote can be tried in a browser beside the console.
  const tv = system.demo
    ? await startDemoTv(system.demo, { mqttUrl: system.mqttUrl, host: config.host, dataDir: config.dataDir, logger: system.logger }).catch((err: unknown) => {
      system.logger.warn({ err }, "the demo TV (set-top box emulator) did not start; everything else runs");
      return null;
    })
    : null;
  printBanner(system, config, { tvUrl: tv?.url ?? null });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping helpkey…\n`);
    await tv?.close();
    await system.close();
    process.exit(0);
  };
  // A promise that fails with nobody waiting is a bug to fix, but not a reason to stop answering
  // alarms: it is logged, and the process goes on (each flow handles its own expected failures).
  process.on("unhandledRejection", (reason) => system.logger.error({ err: reason }, "unhandled promise rejection (a bug): logged, still running"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n(see README "Configuration")\n`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE") {
    process.stderr.write(`a port is already in use (${e.message}); set HK_HTTP_PORT / HK_MQTT_PORT to free ports, or stop the other process\n`);
    process.exit(2);
  }
  process.stderr.write(`helpkey failed to start: ${e.stack ?? String(err)}\n`);
  process.exit(1);
});
