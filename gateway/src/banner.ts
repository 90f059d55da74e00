/** What the operator sees once the system is up: where the console is, the token, a press to try. */
import path from "node:path";
import type { Config } from "./config";
import type { System } from "./system";

export function printBanner(s: System, config: Readonly<Config>): void {
  const cred = s.demo?.credentialFiles[0];
  const lines = [
    "",
    "  helpkey is running / 一键呼救系统已启动",
    `  console 控制台:      ${s.httpUrl}/`,
    `  MQTT (devices):     ${s.mqttUrl}`,
    `  admin token:        ${s.adminToken ?? `(set by HK_ADMIN_TOKEN or shown at first start; see ${path.join(config.dataDir, "admin-token.txt")})`}`,
    "  log in 登录:         user admin, password = the admin token (create dispatchers with POST /api/users)",
    s.phoneUrl ? `  phone network:      built-in emulator at ${s.phoneUrl} (no Twilio credentials)` : "  phone network:      Twilio",
    cred ? `  press a button:     pnpm press --credentials ${path.relative(process.cwd(), cred)} --url ${s.mqttUrl}` : "",
    "  stop: Ctrl-C",
    "",
  ];
  process.stderr.write(lines.filter((l) => l !== "").join("\n") + "\n\n");
  // One machine-readable line for scripts and tests that start the process.
  process.stdout.write(JSON.stringify({ msg: "ready", http: s.httpUrl, mqtt: s.mqttUrl, phone: s.phoneUrl, pid: process.pid }) + "\n");
}
