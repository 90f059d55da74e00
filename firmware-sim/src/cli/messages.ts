/** Every text the CLI prints, in English and Chinese (--lang en|zh-CN). */
import type { AckState } from "@helpkey/shared";

export const langs = ["en", "zh-CN"] as const;
export type Lang = (typeof langs)[number];

export interface Messages {
  topHelp: string;
  pressHelp: string;
  phoneHelp: string;
  stbHelp: string;
  usageError(message: string, command: string): string;
  unknownCommand(command: string): string;
  pressed(id: string, seq: number, kind: string, action: string): string;
  resent(seq: number, attempt: number): string;
  ack(state: AckState, alertId: number, ms: number | undefined, by?: string, text?: string): string;
  ackTimeout(seconds: number, seq: number, statePath: string | undefined): string;
  noConnection(url: string, seconds: number): string;
  unreachable(url: string, reason: string): string;
  untrusted(url: string, reason: string): string;
  refused: string;
  cannotRun(reason: string): string;
  phoneListening(url: string, accountSid: string, authToken: string): string;
  stbReady(id: string, tvUrl: string): string;
}

const en: Messages = {
  topHelp: `helpkey firmware-sim: device emulators and a Twilio-compatible phone network

usage: pnpm sim <command> [options]      (pnpm press … is pnpm sim press …)

commands:
  press            press the help button of an emulated device and wait for the ack
  phone-network    run the phone-network emulator (Twilio API + simulated people)
  stb              run a set-top box with its TV and remote in a browser page
  fleet            run a fleet of emulated devices through a scenario (storm, reboot, …)

common options:
  --lang en|zh-CN  language of messages (default en)
  -h, --help       help for a command: pnpm sim press --help

exit codes: 0 ok, 1 no ack / no connection in time, 2 usage error, 3 refused or cannot run`,
  pressHelp: `usage: pnpm press --id ID --secret SECRET [options]
       pnpm press --credentials device.json [options]

Presses the help button of an emulated device (docs/device-protocol.md): publishes the alarm
with the next seq, re-sends it every 2, 4, 8 … 30 s until the system acks it, and prints the ack.

options:
  --id ID               device id (or from --credentials)
  --secret SECRET       device secret (or from --credentials)
  --credentials FILE    JSON {id, secret, mqtt: {url}} as returned by POST /api/devices, or a file of several (pnpm hk devices provision --out)
  --device ID           with a file of several devices: which one (default the first)
  --url URL             broker: mqtt://, mqtts://, ws://HOST:PORT/mqtt or wss://HOST:PORT/mqtt
                        (default: the credentials' mqtt.url, else mqtt://127.0.0.1:1883)
  --ca FILE             PEM certificate to trust for mqtts:// and wss:// (a self-signed broker)
  --kind KIND           emergency | medical | fire | intrusion | service (default emergency)
  --action ACTION       raise | cancel | test (default raise)
  --trigger TRIGGER     button | remote | pendant | pullcord (default button)
  --state-dir DIR       where seq and unacked alarms are kept (default ./data/sim)
  --timeout S           seconds to wait for the ack (default 10)
  --follow              keep printing later acks until the alert is resolved or cancelled
  --verbose             log the MQTT side to stderr
  --lang en|zh-CN       language of messages
  -h, --help            this help

exit codes: 0 acked, 1 no ack in time (the alarm stays queued in the state file and is sent
again on the next run), 2 usage error, 3 refused (wrong id or secret) or bad state file`,
  phoneHelp: `usage: pnpm sim phone-network [options]

Runs the Twilio-compatible phone network: point the gateway's HK_TWILIO_API_URL at it, with
TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN set to the values it prints.

options:
  --host HOST           listen address (default 127.0.0.1)
  --port PORT           listen port, 0 for any free one (default 0)
  --account-sid SID     AC + 32 hex digits (default: a random one)
  --auth-token TOKEN    (default: a random one)
  --inbound-sms-url URL where people's SMS replies are POSTed (the gateway's inbound SMS webhook)
  --people FILE         JSON {"+8613800138000": {"answerAfterS": 2, "press": "1"}, …}
  --speed N             simulated time runs N times faster (default 1)
  --verbose             debug logs
  --lang en|zh-CN       language of messages
  -h, --help            this help

Stops on Ctrl-C / SIGTERM. Exit codes: 0 stopped, 2 usage error, 3 cannot listen.`,
  stbHelp: `usage: pnpm sim stb --credentials FILE [options]

Runs an emulated cable-TV set-top box (device type stb) and serves its TV as a web page with a
drawn remote: the red key calls for help after a 10 s countdown (OK cancels it), the green key
opens the service menu, holding the green key 2 s says "I'm fine". The TV shows every ack and
every message the community centre sends. Keyboard: R, G, arrows, Enter (OK), Esc (BACK).

options:
  --credentials FILE    JSON {id, secret, mqtt: {url}} as returned by POST /api/devices (type stb)
  --url URL             broker (default: the credentials' mqtt.url)
  --ca FILE             PEM certificate to trust for mqtts:// and wss://
  --host HOST           the TV page's listen address (default 127.0.0.1)
  --port PORT           the TV page's port, 0 for any free one (default 0)
  --lang zh-CN|en       the resident's language on the TV (default zh-CN); also these messages'
  --categories FILE     JSON [{key, nameZh, nameEn}, …] for the green key's menu
                        (default: medical_help, home_care, housekeeping, repairs, utilities, government)
  --state-dir DIR       where seq and unacked alarms are kept (default ./data/sim)
  --verbose             log the MQTT side to stderr
  -h, --help            this help

Stops on Ctrl-C / SIGTERM. Exit codes: 0 stopped, 2 usage error, 3 refused or cannot listen.`,
  usageError: (m, c) => `error: ${m}\nrun \`pnpm sim ${c} --help\` for the options`,
  unknownCommand: (c) => `error: unknown command "${c}"; the commands are press, phone-network, stb and fleet (pnpm sim --help)`,
  pressed: (id, seq, kind, action) => `pressed ${id} seq ${seq} (${kind}${action === "raise" ? "" : `, ${action}`}) …`,
  resent: (seq, attempt) => `  no ack yet: seq ${seq} sent again (attempt ${attempt})`,
  ack: (state, alertId, ms, by, text) =>
    `ack ${state} alert #${alertId}${ms === undefined ? "" : ` in ${ms.toFixed(1)} ms`}${by ? ` by ${by}` : ""}${text ? `: ${text}` : ""}`,
  ackTimeout: (s, seq, path) =>
    `no ack within ${s} s. ${path ? `The alarm (seq ${seq}) stays queued in ${path} and is sent again on the next run with this --state-dir.` : ""}\nIs the gateway running, and does it know this device?`,
  noConnection: (url, s) => `could not connect to the broker at ${url} within ${s} s; is the gateway running? (check --url)`,
  unreachable: (url, reason) => `broker at ${url} unreachable (${reason}); retrying …`,
  untrusted: (url, reason) => `the broker at ${url} has a certificate this device does not trust (${reason}): give it with --ca FILE; retrying …`,
  refused: "device refused: wrong id or secret (check --credentials)",
  cannotRun: (reason) => `error: ${reason}`,
  phoneListening: (url, sid, token) =>
    `phone network listening on ${url}\n  HK_TWILIO_API_URL=${url}\n  TWILIO_ACCOUNT_SID=${sid}\n  TWILIO_AUTH_TOKEN=${token}\nCtrl-C stops it.`,
  stbReady: (id, tvUrl) => `set-top box ${id} running\n  TV (set-top box): ${tvUrl}\nCtrl-C stops it.`,
};

const zhStates: Record<AckState, string> = { received: "已接收", acknowledged: "已确认", responding: "正在赶来", resolved: "已解决", cancelled: "已取消" };

const zh: Messages = {
  topHelp: `helpkey firmware-sim：设备模拟器和兼容 Twilio 的电话网络模拟器

用法：pnpm sim <命令> [选项]      （pnpm press … 等同于 pnpm sim press …）

命令：
  press            按下模拟设备的求助键并等待回执
  phone-network    运行电话网络模拟器（Twilio API + 模拟联系人）
  stb              运行机顶盒模拟器，电视和遥控器在浏览器页面中
  fleet            运行一批模拟设备并执行场景（storm、reboot 等）

通用选项：
  --lang en|zh-CN  提示语言（默认 en）
  -h, --help       命令帮助：pnpm sim press --help

退出码：0 成功，1 超时未收到回执或未连上，2 用法错误，3 被拒绝或无法运行`,
  pressHelp: `用法：pnpm press --id 设备号 --secret 密钥 [选项]
      pnpm press --credentials device.json [选项]

按下模拟设备的求助键（见 docs/device-protocol.md）：以下一个序号发布警报，每 2、4、8 … 30 秒重发，
直到系统回执，然后打印回执。

选项：
  --id ID               设备号（或来自 --credentials）
  --secret SECRET       设备密钥（或来自 --credentials）
  --credentials FILE    POST /api/devices 返回的 JSON {id, secret, mqtt: {url}}
  --device ID           凭据文件含多台设备时（pnpm hk devices provision 写出）选用哪一台（默认第一台）
  --url URL             MQTT 服务器：mqtt://、mqtts://、ws://主机:端口/mqtt 或 wss://主机:端口/mqtt
                        （默认：凭据中的 mqtt.url，否则 mqtt://127.0.0.1:1883）
  --ca FILE             mqtts:// 和 wss:// 要信任的 PEM 证书（服务器使用自签名证书时）
  --kind KIND           emergency | medical | fire | intrusion | service（默认 emergency）
  --action ACTION       raise | cancel | test（默认 raise）
  --trigger TRIGGER     button | remote | pendant | pullcord（默认 button）
  --state-dir DIR       保存序号和未回执警报的目录（默认 ./data/sim）
  --timeout S           等待回执的秒数（默认 10）
  --follow              继续显示后续回执，直到警报解决或取消
  --verbose             在 stderr 输出 MQTT 日志
  --lang en|zh-CN       提示语言
  -h, --help            本帮助

退出码：0 已回执，1 超时未回执（警报留在状态文件队列中，下次运行时重发），2 用法错误，
3 被拒绝（设备号或密钥错误）或状态文件损坏`,
  phoneHelp: `用法：pnpm sim phone-network [选项]

运行兼容 Twilio 的电话网络：把网关的 HK_TWILIO_API_URL 指向它，并把 TWILIO_ACCOUNT_SID /
TWILIO_AUTH_TOKEN 设为它打印的值。

选项：
  --host HOST           监听地址（默认 127.0.0.1）
  --port PORT           监听端口，0 表示任一空闲端口（默认 0）
  --account-sid SID     AC + 32 位十六进制（默认随机）
  --auth-token TOKEN    （默认随机）
  --inbound-sms-url URL 联系人回复短信时 POST 到的地址（网关的短信回调）
  --people FILE         JSON {"+8613800138000": {"answerAfterS": 2, "press": "1"}, …}
  --speed N             模拟时间加速 N 倍（默认 1）
  --verbose             调试日志
  --lang en|zh-CN       提示语言
  -h, --help            本帮助

Ctrl-C / SIGTERM 停止。退出码：0 已停止，2 用法错误，3 无法监听。`,
  stbHelp: `用法：pnpm sim stb --credentials FILE [选项]

运行模拟的有线电视机顶盒（设备类型 stb），并把它的电视和遥控器做成网页：红色键倒计时 10 秒后
发出求助（按 OK 取消），绿色键打开服务菜单，长按绿色键 2 秒报平安。电视显示每个回执和社区中心
发来的每条消息。键盘：R、G、方向键、Enter（OK）、Esc（返回）。

选项：
  --credentials FILE    POST /api/devices 返回的 JSON {id, secret, mqtt: {url}}（类型 stb）
  --url URL             MQTT 服务器（默认：凭据中的 mqtt.url）
  --ca FILE             mqtts:// 和 wss:// 要信任的 PEM 证书
  --host HOST           电视页面的监听地址（默认 127.0.0.1）
  --port PORT           电视页面的端口，0 表示任一空闲端口（默认 0）
  --lang zh-CN|en       电视上居民的语言（默认 zh-CN），也是本提示的语言
  --categories FILE     绿色键菜单的 JSON [{key, nameZh, nameEn}, …]
                        （默认：medical_help、home_care、housekeeping、repairs、utilities、government）
  --state-dir DIR       保存序号和未回执警报的目录（默认 ./data/sim）
  --verbose             在 stderr 输出 MQTT 日志
  -h, --help            本帮助

Ctrl-C / SIGTERM 停止。退出码：0 已停止，2 用法错误，3 被拒绝或无法监听。`,
  usageError: (m, c) => `错误：${m}\n运行 \`pnpm sim ${c} --help\` 查看选项`,
  unknownCommand: (c) => `错误：未知命令“${c}”；可用命令为 press、phone-network、stb 和 fleet（pnpm sim --help）`,
  pressed: (id, seq, kind, action) => `已按下 ${id} 序号 ${seq}（${kind}${action === "raise" ? "" : `，${action}`}）…`,
  resent: (seq, attempt) => `  尚未回执：序号 ${seq} 已重发（第 ${attempt} 次）`,
  ack: (state, alertId, ms, by, text) =>
    `回执 ${zhStates[state]} 警报 #${alertId}${ms === undefined ? "" : `，用时 ${ms.toFixed(1)} ms`}${by ? `，${by}` : ""}${text ? `：${text}` : ""}`,
  ackTimeout: (s, seq, path) =>
    `${s} 秒内未收到回执。${path ? `警报（序号 ${seq}）仍在 ${path} 的队列中，下次使用同一 --state-dir 运行时会重发。` : ""}\n网关是否在运行？它是否认识这个设备？`,
  noConnection: (url, s) => `${s} 秒内无法连接到 ${url} 的 MQTT 服务器；网关是否在运行？（检查 --url）`,
  unreachable: (url, reason) => `无法连接 ${url}（${reason}），正在重试 …`,
  untrusted: (url, reason) => `${url} 的证书不受本设备信任（${reason}）：请用 --ca FILE 指定该证书；正在重试 …`,
  refused: "设备被拒绝：设备号或密钥错误（请检查 --credentials）",
  cannotRun: (reason) => `错误：${reason}`,
  phoneListening: (url, sid, token) =>
    `电话网络模拟器监听于 ${url}\n  HK_TWILIO_API_URL=${url}\n  TWILIO_ACCOUNT_SID=${sid}\n  TWILIO_AUTH_TOKEN=${token}\n按 Ctrl-C 停止。`,
  stbReady: (id, tvUrl) => `机顶盒 ${id} 已运行\n  电视（机顶盒）：${tvUrl}\n按 Ctrl-C 停止。`,
};

export function messages(lang: Lang): Messages {
  return lang === "zh-CN" ? zh : en;
}

/** --lang is read before the rest so that even usage errors come out in the chosen language. */
export function langFrom(argv: string[]): Lang {
  const i = argv.findIndex((a) => a === "--lang" || a.startsWith("--lang="));
  const v = i < 0 ? undefined : argv[i]!.includes("=") ? argv[i]!.split("=")[1] : argv[i + 1];
  return v === "zh-CN" || v === "zh" ? "zh-CN" : "en";
}
