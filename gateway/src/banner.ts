/** What the operator sees once the system is up: where the console is, the token, a press to try. */
import path from "node:path";
import type { Config } from "./config";
import type { System } from "./system";

/** A self-signed broker certificate is what the demo's press must trust. */
function pressCa(s: System, config: Readonly<Config>): string {
  return config.tlsCertFile && /^(mqtts|wss):/.test(s.deviceUrl) ? ` --ca ${path.relative(process.cwd(), config.tlsCertFile)}` : "";
}

function phoneLine(s: System): string {
  const p = s.phoneStatus();
  if (p.mode === "emulator") return `  phone network:      built-in emulator at ${s.phoneUrl} (no Twilio credentials: nobody is really texted or called)`;
  const name = p.mode === "twilio" ? "Twilio" : p.mode === "compatible" ? "a Twilio-compatible server (HK_TWILIO_API_URL)" : "an embedded channel";
  return p.ok ? `  phone network:      ${name}, account checked` : `  phone network:      ${name}: NOT WORKING: ${p.problem}`;
}

/** `tvUrl`: the demo's set-top box page, when it runs. */
export function printBanner(s: System, config: Readonly<Config>, extra: { tvUrl?: string | null } = {}): void {
  const cred = s.demo?.credentialFiles[0];
  const lines = [
    "",
    "  helpkey is running / 一键呼救系统已启动",
    `  console 控制台:      ${s.httpUrl}/`,
    extra.tvUrl ? `  TV (set-top box):   ${extra.tvUrl}   (the demo household's remote and screen / 演示住户的遥控器和电视画面)` : "",
    `  MQTT (devices):     ${s.mqttUrl}`,
    s.broker?.tlsUrl ? `  MQTT over TLS:      ${s.broker.tlsUrl}` : "",
    s.broker?.wsUrl ? `  MQTT over WS:       ${s.broker.wsUrl}` : "",
    s.broker?.wssUrl ? `  MQTT over WSS:      ${s.broker.wssUrl}` : "",
    s.generatedAdminToken
      ? `  admin token:        ${s.generatedAdminToken}   (shown only now: keep it safe / 仅显示这一次，请妥善保存)`
      : `  admin token:        ${config.adminToken ? "from HK_ADMIN_TOKEN" : "set at first start (lost it? restart with --new-admin-token)"}`,
    "  log in 登录:         user admin, password = the admin token (create dispatchers with POST /api/users)",
    phoneLine(s),
    cred ? `  press a button:     pnpm press --credentials ${path.relative(process.cwd(), cred)} --url ${s.deviceUrl}${pressCa(s, config)}` : "",
    "  stop: Ctrl-C",
    "",
  ];
  process.stderr.write(lines.filter((l) => l !== "").join("\n") + "\n\n");
  // One machine-readable line for scripts and tests that start the process.
  process.stdout.write(JSON.stringify({ msg: "ready", http: s.httpUrl, mqtt: s.mqttUrl, phone: s.phoneUrl, tv: extra.tvUrl ?? null, pid: process.pid }) + "\n");
}
