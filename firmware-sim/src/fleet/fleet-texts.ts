/** What `pnpm sim fleet` prints, in English and Chinese (--lang en|zh-CN). */
import type { Lang } from "../cli/messages";
import type { Check } from "./scenarios/scenario";
import type { FleetLive, LatencySummary } from "./fleet-coordinator";

export interface FleetTexts {
  help: string;
  live(l: FleetLive, devices: number): string;
  header(scenario: string, devices: number, acting: number, aborted: boolean): string;
  totals(pressed: number, acked: number, retransmits: number, drops: number): string;
  ackTimes(l: LatencySummary): string;
  alerts(n: number): string;
  check(c: Check): string;
  refused(count: number, first: { id: string; code: number } | undefined): string;
  unreachable(ready: number, devices: number, seconds: number, url: string): string;
  plainOnly(url: string): string;
}

const ms = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} ms`);

const enChecks: Record<Check["id"], string> = {
  acked: "every press acked",
  oneAlert: "each device's presses made one alert",
  seqAfterReboot: "after the reboot the next press had seq + 1 and was acked",
  statusFalling: "the battery was reported falling to 4 %",
  droppedByBroker: "the broker dropped each silent device (its Last Will)",
};

const zhChecks: Record<Check["id"], string> = {
  acked: "每次按键都收到回执",
  oneAlert: "每台设备的多次按键只产生一条警报",
  seqAfterReboot: "重启后下一次按键的序号加一并收到回执",
  statusFalling: "电量逐步下降至 4%",
  droppedByBroker: "MQTT 服务器断开了每台沉默的设备（遗嘱消息）",
};

const en: FleetTexts = {
  help: `usage: pnpm sim fleet --credentials FILE [options]
       pnpm sim fleet --bench-devices N [--url URL] [options]

Runs a fleet of emulated help buttons (light devices: plain MQTT over TCP, the device rules of
docs/device-protocol.md) and plays a scenario. Live counters on stderr every second, a summary
on stdout at the end. Big fleets run in several processes, each on its own 127.0.0.x address.

devices:
  --credentials FILE    the JSON array \`pnpm hk devices provision --out FILE\` writes
                        (or the one device POST /api/devices returned)
  --bench-devices N     the bench's derived fleet: bench-00000 … of a database the bench seeded
  --url URL             broker, mqtt://HOST:PORT (default: the credentials' mqtt.url,
                        else mqtt://127.0.0.1:1883)

scenario:
  --scenario NAME       single | storm | flapping | chatter | reboot | clock-skew | dead-battery
                        (default single)
  --count N             devices that act (default: 1 for single and chatter, else all)
  --seconds S           the window the scenario acts in (default: storm 10, flapping 20,
                        dead-battery 10, the others 1)
  --presses N           chatter: presses per device (default 10)
  --skew-hours H        clock-skew: how far the devices' clocks are off (default 6)
  --boot-s S            reboot: seconds a device is off the network while it restarts (default 1)
  --keepalive S         the devices' MQTT keepalive (default 60)

run:
  --timeout S           how long to wait after acting for every ack (default 30;
                        dead-battery: 1.5 × keepalive + 15, the broker's wait for a silent device)
  --connect-rate N      new connections a second (default 1000)
  --connect-timeout S   every device must be connected within this (default 60)
  --processes N         fleet processes; 0 runs in this one (default: 0 up to 2,000 devices,
                        else one per 5,000)
  --json                the summary as one JSON object on stdout
  --lang en|zh-CN       language of messages
  -h, --help            this help

scenarios:
  single        one press (from --count devices), acked
  storm         every device presses once, each at a random moment within --seconds
  flapping      links drop and come back for --seconds; one press each, resent until acked
  chatter       --presses presses within --seconds from each device: one alert each
  reboot        press, ack, restart (seq kept), press again: seq + 1, acked as a new press
  clock-skew    device clocks --skew-hours off: accepted, the system's own time used
  dead-battery  battery reported falling, then silence without DISCONNECT until the broker
                notices (1.5 × --keepalive) and publishes the Last Will

exit codes: 0 every press acked and every check passed, 1 a press not acked in time or a check
failed, 2 usage error, 3 cannot connect or refused (wrong id or secret)`,
  live: (l, n) => `[${String(Math.round(l.elapsedS)).padStart(4)} s] connected ${l.counters.connected}/${n} · presses ${l.counters.pressed} · acks ${l.counters.acked} · ack p50 ${ms(l.p50)} p99 ${ms(l.p99)} · retransmits ${l.counters.retransmits} · drops ${l.counters.drops}${l.counters.silent ? ` · silent ${l.counters.silent}` : ""}${l.counters.refused ? ` · refused ${l.counters.refused}` : ""}`,
  header: (s, n, acting, aborted) => `fleet ${s}: ${n} devices, ${acting} acting${aborted ? " (stopped by Ctrl-C)" : ""}`,
  totals: (p, a, r, d) => `presses ${p} · acked ${a} · retransmits ${r} · link drops ${d}`,
  ackTimes: (l) => `press → ack: p50 ${ms(l.p50)} · p99 ${ms(l.p99)} · max ${ms(l.max)} (${l.count} acks)`,
  alerts: (n) => `alerts named by the acks: ${n}`,
  check: (c) => `${c.pass === c.of ? "✓" : "✗"} ${enChecks[c.id]}: ${c.pass}/${c.of}${c.pass === c.of || !c.example ? "" : ` (e.g. ${c.example})`}`,
  refused: (count, first) => `the broker refused ${count} device(s): wrong id or secret${first ? ` (e.g. ${first.id}, CONNACK code ${first.code})` : ""}; check --credentials`,
  unreachable: (ready, n, s, url) => `only ${ready} of ${n} devices connected within ${s} s: is the gateway running at ${url}? (check --url)`,
  plainOnly: (url) => `light devices speak plain MQTT over TCP, and ${url} is not mqtt://: give --url mqtt://HOST:PORT (the broker's plain listener)`,
};

const zh: FleetTexts = {
  help: `用法：pnpm sim fleet --credentials FILE [选项]
      pnpm sim fleet --bench-devices N [--url URL] [选项]

运行一批模拟求助按钮（轻量设备：TCP 上的普通 MQTT，遵循 docs/device-protocol.md 的设备规则）并执行
一个场景。运行中每秒在 stderr 显示计数，结束时在 stdout 输出汇总。设备很多时分到多个进程，每个进程
使用自己的 127.0.0.x 地址。

设备：
  --credentials FILE    \`pnpm hk devices provision --out FILE\` 写出的 JSON 数组
                        （或 POST /api/devices 返回的单台设备）
  --bench-devices N     基准测试派生的设备 bench-00000 …（数据库须由基准测试生成）
  --url URL             MQTT 服务器 mqtt://主机:端口（默认：凭据中的 mqtt.url，
                        否则 mqtt://127.0.0.1:1883）

场景：
  --scenario NAME       single | storm | flapping | chatter | reboot | clock-skew | dead-battery
                        （默认 single）
  --count N             参与场景的设备数（默认：single 和 chatter 为 1 台，其余为全部）
  --seconds S           场景动作分布的时间窗（默认：storm 10，flapping 20，dead-battery 10，其余 1）
  --presses N           chatter：每台设备的按键次数（默认 10）
  --skew-hours H        clock-skew：设备时钟偏差的小时数（默认 6）
  --boot-s S            reboot：设备重启期间离线的秒数（默认 1）
  --keepalive S         设备的 MQTT 心跳间隔（默认 60）

运行：
  --timeout S           动作结束后等待全部回执的秒数（默认 30；dead-battery 为心跳的 1.5 倍加 15，
                        即服务器发现沉默设备所需的时间）
  --connect-rate N      每秒新建连接数（默认 1000）
  --connect-timeout S   全部设备须在此时间内连上（默认 60）
  --processes N         设备进程数，0 表示在本进程内运行（默认：2000 台以内为 0，否则每 5000 台一个）
  --json                以一个 JSON 对象在 stdout 输出汇总
  --lang en|zh-CN       提示语言
  -h, --help            本帮助

场景说明：
  single        一次按键（来自 --count 台设备）并收到回执
  storm         每台设备在 --seconds 内的随机时刻各按一次
  flapping      --seconds 内连接反复断开又恢复；每台按一次，重发直到收到回执
  chatter       每台设备在 --seconds 内按 --presses 次：每台只产生一条警报
  reboot        按键、回执、重启（保留序号）、再按：序号加一，作为新按键收到回执
  clock-skew    设备时钟偏差 --skew-hours 小时：照常接收，系统使用自己的时间
  dead-battery  电量逐步下降，然后不发 DISCONNECT 直接沉默，直到服务器发现（心跳的 1.5 倍）
                并发布遗嘱消息

退出码：0 全部按键收到回执且全部检查通过，1 有按键超时未回执或检查未通过，2 用法错误，
3 无法连接或被拒绝（设备号或密钥错误）`,
  live: (l, n) => `[${String(Math.round(l.elapsedS)).padStart(4)} 秒] 已连接 ${l.counters.connected}/${n} · 按键 ${l.counters.pressed} · 回执 ${l.counters.acked} · 回执用时 p50 ${ms(l.p50)} p99 ${ms(l.p99)} · 重发 ${l.counters.retransmits} · 断线 ${l.counters.drops}${l.counters.silent ? ` · 沉默 ${l.counters.silent}` : ""}${l.counters.refused ? ` · 被拒 ${l.counters.refused}` : ""}`,
  header: (s, n, acting, aborted) => `设备群 ${s}：共 ${n} 台，${acting} 台参与${aborted ? "（已按 Ctrl-C 停止）" : ""}`,
  totals: (p, a, r, d) => `按键 ${p} · 已回执 ${a} · 重发 ${r} · 断线 ${d}`,
  ackTimes: (l) => `按键到回执：p50 ${ms(l.p50)} · p99 ${ms(l.p99)} · 最长 ${ms(l.max)}（共 ${l.count} 次回执）`,
  alerts: (n) => `回执涉及的警报数：${n}`,
  check: (c) => `${c.pass === c.of ? "✓" : "✗"} ${zhChecks[c.id]}：${c.pass}/${c.of}${c.pass === c.of || !c.example ? "" : `（例如 ${c.example}）`}`,
  refused: (count, first) => `MQTT 服务器拒绝了 ${count} 台设备：设备号或密钥错误${first ? `（例如 ${first.id}，CONNACK 返回码 ${first.code}）` : ""}；请检查 --credentials`,
  unreachable: (ready, n, s, url) => `${s} 秒内只有 ${ready}/${n} 台设备连上：网关是否在 ${url} 运行？（检查 --url）`,
  plainOnly: (url) => `轻量设备只使用 TCP 上的普通 MQTT，而 ${url} 不是 mqtt://：请用 --url mqtt://主机:端口 指定服务器的普通端口`,
};

export function fleetTexts(lang: Lang): FleetTexts {
  return lang === "zh-CN" ? zh : en;
}
