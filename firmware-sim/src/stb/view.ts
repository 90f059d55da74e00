/**
 * The TV's screen as data (`GET /state.json`, and what the page draws): the mode, the facts and the
 * sentences in the resident's language. Chinese uses full-width punctuation.
 */
import type { StbCategory } from "./categories";
import type { ScreenMode, TvScreen } from "./screen";

export type StbLang = "zh-CN" | "en";

const words = {
  "zh-CN": {
    idle: "一键呼救", idleLines: ["按红色键：紧急求助", "按绿色键：选择服务", "长按绿色键：报平安"],
    countdown: "{s} 秒后发出求助，按 OK 取消", countdownHint: "按 OK 或返回键取消",
    sendingHelp: "正在发出求助……", sendingService: "正在发送服务请求……", cancelling: "正在取消……",
    sentHint: "按 OK 或返回键取消", closeHint: "按 OK 关闭",
    states: { received: "求助已收到", acknowledged: "已有人接手", responding: "正在处理", resolved: "求助已处理", cancelled: "求助已取消" },
    by: "接手人：{by}", service: "服务：{c}", helpKind: "紧急求助",
    message: "消息", messageFrom: "来自{from}的消息", waiting: "还有 {n} 条消息",
    menu: "请选择服务", menuHint: "用方向键选择，按 OK 发送，按返回键退出",
    fine: "平安", offline: "未连接",
  },
  en: {
    idle: "One-key help", idleLines: ["Red key: call for help", "Green key: choose a service", "Hold the green key: I'm fine"],
    countdown: "Calling for help in {s} s — press OK to cancel", countdownHint: "Press OK or BACK to cancel",
    sendingHelp: "Calling for help…", sendingService: "Sending your request…", cancelling: "Cancelling…",
    sentHint: "Press OK or BACK to cancel", closeHint: "Press OK to close",
    states: { received: "Help requested", acknowledged: "Someone has it", responding: "Being handled", resolved: "Resolved", cancelled: "Cancelled" },
    by: "Taken by {by}", service: "Service: {c}", helpKind: "Call for help",
    message: "Message", messageFrom: "Message from {from}", waiting: "{n} more messages",
    menu: "Choose a service", menuHint: "Arrows to choose, OK to send, BACK to leave",
    fine: "I'm fine", offline: "Offline",
  },
} as const;

const fill = (s: string, vars: Record<string, string | number>) => s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ""));

export interface TvState {
  deviceId: string;
  lang: StbLang;
  connected: boolean;
  mode: ScreenMode;
  countdown: { secondsLeft: number } | null;
  menu: { index: number; items: { key: string; name: string }[] } | null;
  status: {
    kind: string; category: string | null; alertId: number | null; state: string;
    by: string | null; text: string | null; cancellable: boolean; cancelSent: boolean;
  } | null;
  message: { msgId: number | null; text: string; from: string | null } | null;
  /** Messages waiting behind the one on screen. */
  waiting: number;
  /** What the screen says, top to bottom. */
  view: { title: string; lines: string[]; hint: string; notice: string | null; offline: string | null };
}

export function tvState(screen: TvScreen, o: { deviceId: string; lang: StbLang; connected: boolean; categories: readonly StbCategory[] }, now: number): TvState {
  const w = words[o.lang];
  const name = (c: StbCategory) => (o.lang === "zh-CN" ? c.nameZh : c.nameEn);
  const categoryName = (key: string | null) => {
    const c = o.categories.find((x) => x.key === key);
    return c ? name(c) : key;
  };
  const mode = screen.mode(now);
  const s = screen.status;
  const m = screen.messages[0];
  const secondsLeft = screen.countdownEndsAt === null ? 0 : Math.max(0, Math.ceil((screen.countdownEndsAt - now) / 1000));
  let view: Pick<TvState["view"], "title" | "lines" | "hint">;
  switch (mode) {
    case "countdown":
      view = { title: fill(w.countdown, { s: secondsLeft }), lines: [], hint: w.countdownHint };
      break;
    case "menu":
      view = { title: w.menu, lines: o.categories.map(name), hint: w.menuHint };
      break;
    case "message":
      view = { title: m!.from ? fill(w.messageFrom, { from: m!.from }) : w.message, lines: [m!.text, ...(screen.messages.length > 1 ? [fill(w.waiting, { n: screen.messages.length - 1 })] : [])], hint: w.closeHint };
      break;
    case "sent":
    case "status": {
      const st = s!;
      const head = st.state === "sending" ? (st.kind === "service" ? w.sendingService : w.sendingHelp) : (st.text ?? w.states[st.state]);
      const lines = [
        st.kind === "service" ? fill(w.service, { c: categoryName(st.category) ?? "" }) : w.helpKind,
        ...(st.by ? [fill(w.by, { by: st.by })] : []),
      ];
      const hint = mode === "sent" ? w.sentHint : st.cancelSent && st.state !== "cancelled" ? w.cancelling : w.closeHint;
      view = { title: head, lines, hint };
      break;
    }
    default:
      view = { title: w.idle, lines: [...w.idleLines], hint: "" };
  }
  return {
    deviceId: o.deviceId, lang: o.lang, connected: o.connected, mode,
    countdown: mode === "countdown" ? { secondsLeft } : null,
    menu: screen.menuIndex === null ? null : { index: screen.menuIndex, items: o.categories.map((c) => ({ key: c.key, name: name(c) })) },
    status: s ? { kind: s.kind, category: s.category, alertId: s.alertId, state: s.state, by: s.by, text: s.text, cancellable: screen.cancellable(now), cancelSent: s.cancelSent } : null,
    message: m ? { msgId: m.msgId, text: m.text, from: m.from } : null,
    waiting: Math.max(0, screen.messages.length - 1),
    view: { ...view, notice: screen.noticeShown(now) ? w.fine : null, offline: o.connected ? null : w.offline },
  };
}
