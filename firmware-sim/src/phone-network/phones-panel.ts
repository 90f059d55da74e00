/**
 * The phones panel (`GET /` of the emulator, `GET /phones.json` for scripts): every simulated phone
 * and what it received, newest first: each SMS's text, each call's course (rang, answered, voicemail,
 * keys pressed) and the words read aloud (the TwiML <Say> text). In Chinese or English (`?lang=`, else
 * the browser's). A demo shows the whole loop here without a real phone. Everything shown is text
 * from the gateway, so all of it is escaped; only http(s) links in an SMS become links.
 */
import type { FastifyInstance } from "fastify";
import type { NetworkState } from "./network-state";
import type { RecordedCall, RecordedMessage } from "./types";

export const phonesPanelStrings = {
  en: {
    title: "Demo phones", intro: "Every SMS and call each simulated phone received, newest first. Nobody is really texted or called.",
    none: "No phone has received anything yet. Press a demo button.", sms: "SMS", call: "Call", said: "Read aloud",
    pressed: "pressed {d}", answeredBy_human: "answered", answeredBy_machine_start: "voicemail answered", other: "中文",
    refresh: "This page refreshes every 5 seconds.", from: "from {n}", link: "open link",
  },
  zh: {
    title: "演示电话", intro: "每部模拟电话收到的短信和电话，最新的在前。不会真的发送短信或拨打电话。",
    none: "还没有电话收到任何消息。请按下一个演示按钮。", sms: "短信", call: "电话", said: "语音播报",
    pressed: "按了{d}", answeredBy_human: "已接听", answeredBy_machine_start: "语音信箱接听", other: "English",
    refresh: "本页每5秒刷新一次。", from: "来自{n}", link: "打开链接",
  },
};
type Words = (typeof phonesPanelStrings)["en"];

const statusWords: Record<"en" | "zh", Record<string, string>> = {
  en: { queued: "queued", initiated: "dialling", ringing: "ringing", "in-progress": "in call", completed: "ended", busy: "busy", "no-answer": "no answer", failed: "failed", canceled: "cancelled", accepted: "accepted", sent: "sent", delivered: "delivered" },
  zh: { queued: "排队中", initiated: "拨号中", ringing: "响铃中", "in-progress": "通话中", completed: "已结束", busy: "占线", "no-answer": "无人接听", failed: "失败", canceled: "已取消", accepted: "已受理", sent: "已发送", delivered: "已送达" },
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? "");
const time = (at: number) => new Date(at).toTimeString().slice(0, 8);

type Entry = { at: number; kind: "sms"; m: RecordedMessage } | { at: number; kind: "call"; c: RecordedCall };

export interface PhoneRecord {
  phone: string;
  name: string | null;
  entries: { at: number; kind: "sms" | "call"; status: string; text?: string; said?: string[]; digits?: string; answeredBy?: string }[];
}

/** Every phone with its entries, newest first; the phone with the latest entry first. */
export function phoneRecords(net: NetworkState): PhoneRecord[] {
  const byPhone = new Map<string, Entry[]>();
  const add = (to: string, e: Entry) => byPhone.set(to, [...(byPhone.get(to) ?? []), e]);
  for (const m of net.messages) add(m.to, { at: m.at, kind: "sms", m });
  for (const c of net.calls) add(c.to, { at: c.at, kind: "call", c });
  return [...byPhone].map(([phone, es]) => ({
    phone, name: net.people.get(phone)?.name ?? null,
    entries: es.sort((a, b) => b.at - a.at).map((e) => e.kind === "sms"
      ? { at: e.at, kind: "sms" as const, status: e.m.status, text: e.m.body }
      : { at: e.at, kind: "call" as const, status: e.c.status, said: [...e.c.said], ...(e.c.digits ? { digits: e.c.digits } : {}), ...(e.c.answeredBy ? { answeredBy: e.c.answeredBy } : {}) }),
  })).sort((a, b) => b.entries[0]!.at - a.entries[0]!.at);
}

function smsText(text: string, w: Words): string {
  const links = [...text.matchAll(/https?:\/\/[^\s<>"']+/g)].map((m) => m[0]);
  return `<p class="text">${escape(text)}</p>${links.map((l) => `<a href="${escape(l)}" target="_blank" rel="noreferrer">${escape(w.link)}</a>`).join(" ")}`;
}

function page(records: PhoneRecord[], lang: "en" | "zh"): string {
  const w = phonesPanelStrings[lang];
  const st = (s: string) => statusWords[lang][s] ?? s;
  const entry = (e: PhoneRecord["entries"][number]) => e.kind === "sms"
    ? `<li class="sms" data-kind="sms"><span class="when">${time(e.at)}</span> <b>${w.sms}</b> <small>${escape(st(e.status))}</small>${smsText(e.text ?? "", w)}</li>`
    : `<li class="call" data-kind="call" data-status="${escape(e.status)}"${e.digits ? ` data-digits="${escape(e.digits)}"` : ""}><span class="when">${time(e.at)}</span> <b>${w.call}</b> <small>${escape(st(e.status))}${e.answeredBy ? ` · ${escape((w as Record<string, string>)[`answeredBy_${e.answeredBy}`] ?? e.answeredBy)}` : ""}${e.digits ? ` · ${escape(fill(w.pressed, { d: e.digits }))}` : ""}</small>${e.said?.length ? `<div class="said"><i>${w.said}</i><ol>${e.said.map((s) => `<li>${escape(s)}</li>`).join("")}</ol></div>` : ""}</li>`;
  const phones = records.map((r) => `<section class="phone" data-phone="${escape(r.phone)}"><h2>${r.name ? `${escape(r.name)} ` : ""}<small>${escape(r.phone)}</small></h2><ul>${r.entries.map(entry).join("")}</ul></section>`).join("");
  const html = lang === "zh" ? "zh-CN" : "en";
  return `<!doctype html><html lang="${html}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><meta name="referrer" content="no-referrer"><title>${w.title}</title>
<style>body{font:15px/1.5 system-ui,"WenQuanYi Zen Hei",sans-serif;margin:1rem auto;max-width:60rem;padding:0 1rem;color:#222}
.phone{border:1px solid #ccc;border-radius:8px;padding:.5rem 1rem;margin:.8rem 0}.phone h2{font-size:1.1rem;margin:.2rem 0}
ul{list-style:none;padding:0}li.sms,li.call{border-top:1px solid #eee;padding:.4rem 0}.when{color:#666;font-variant-numeric:tabular-nums}
.text{margin:.2rem 0;white-space:pre-wrap}.said ol{margin:.2rem 0 .2rem 1.2rem;padding:0}.said li{list-style:decimal}small{color:#555}
li.call[data-digits="1"] b{color:#0a7a2f}</style></head>
<body><header><a id="lang" href="?lang=${lang === "zh" ? "en" : "zh-CN"}">${w.other}</a><h1>${w.title}</h1><p>${w.intro} <small>${w.refresh}</small></p></header>
<main id="phones">${phones || `<p class="empty">${w.none}</p>`}</main></body></html>`;
}

/** The query's language, else the browser's first choice. */
function langOf(query: unknown, acceptLanguage: string | undefined): "en" | "zh" {
  const q = (query as { lang?: unknown } | undefined)?.lang;
  if (typeof q === "string") return q.toLowerCase().startsWith("zh") ? "zh" : "en";
  return (acceptLanguage ?? "").trim().toLowerCase().startsWith("zh") ? "zh" : "en";
}

export function phonesPanel(app: FastifyInstance, net: NetworkState): void {
  app.get("/", async (req, reply) =>
    reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(page(phoneRecords(net), langOf(req.query, req.headers["accept-language"]))));
  app.get("/phones.json", async (_req, reply) => reply.header("cache-control", "no-store").send(phoneRecords(net)));
}
