/**
 * The TV page: a 16:9 screen in large type, readable from a sofa, and a drawn remote usable with the
 * mouse and the keyboard (R/G, arrows, Enter, Escape/Backspace; hold G or the green key 2 s for
 * "I'm fine"). It draws whatever the box's state says; every text goes in as textContent.
 */
import type { StbLang } from "./view";

const labels = {
  "zh-CN": { title: "电视（机顶盒）", remote: "遥控器", ok: "OK", back: "返回", keys: "键盘：R 红键，G 绿键（按住 2 秒报平安），方向键，Enter＝OK，Esc＝返回" },
  en: { title: "TV (set-top box)", remote: "Remote", ok: "OK", back: "BACK", keys: "Keyboard: R red, G green (hold 2 s: I'm fine), arrows, Enter = OK, Esc = BACK" },
} as const;

export function tvPageHtml(lang: StbLang): string {
  const l = labels[lang];
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${l.title}</title>
<style>
body{margin:0;background:#1b1d22;color:#eee;font-family:system-ui,"WenQuanYi Zen Hei","Noto Sans CJK SC",sans-serif;display:flex;gap:2rem;align-items:center;justify-content:center;min-height:100vh;flex-wrap:wrap}
.tv{width:min(75vw,calc(90vh * 16 / 9));aspect-ratio:16/9;background:#0b2540;border:14px solid #050505;border-radius:10px;container-type:inline-size;position:relative;overflow:hidden;box-shadow:0 0 40px #000}
.screen{position:absolute;inset:0;padding:5cqw 6cqw;display:flex;flex-direction:column;gap:2cqw}
#title{font-size:5.2cqw;font-weight:700;line-height:1.25;margin:0}
#lines{list-style:none;margin:0;padding:0;font-size:3.6cqw;line-height:1.4}
#lines li.selected{background:#f5c400;color:#111;border-radius:.6cqw;padding:0 1cqw}
#hint{margin-top:auto;font-size:2.8cqw;color:#b9c6d6}
#notice{position:absolute;right:4cqw;top:3cqw;font-size:4cqw;background:#18a34a;color:#fff;border-radius:1cqw;padding:.5cqw 2cqw}
#offline{position:absolute;left:4cqw;top:1.5cqw;font-size:2.4cqw;color:#ffb4b4}
.tv[data-mode=countdown] .screen,.tv[data-mode=sent][data-kind=emergency] .screen{background:#8a1010}
.tv[data-mode=message] .screen{background:#23405e}
.tv[data-state=resolved] .screen{background:#135c32}
.remote{background:#2a2d34;border-radius:40px;padding:24px 18px;display:grid;grid-template-columns:repeat(3,56px);gap:12px;justify-items:center}
.remote h2{grid-column:1/-1;margin:0;font-size:14px;color:#aaa}
.remote button{width:56px;height:56px;border-radius:50%;border:0;font:600 16px system-ui,sans-serif;cursor:pointer;background:#4a4f5a;color:#fff}
.remote button:active{transform:scale(.94)}
button[data-key=red]{background:#d7261e}button[data-key=green]{background:#1f9d48}
button[data-key=ok]{background:#eee;color:#111}
.help{flex-basis:100%;text-align:center;color:#999;font-size:14px}
[hidden]{display:none!important}
</style><script src="/tv.js" defer></script></head>
<body>
<div class="tv" id="tv" data-mode="idle"><div class="screen">
<h1 id="title"></h1><ul id="lines"></ul><div id="hint"></div></div>
<div id="notice" hidden></div><div id="offline" hidden></div></div>
<div class="remote" aria-label="${l.remote}"><h2>${l.remote}</h2>
<button data-key="red" aria-label="red"></button><span></span><button data-key="green" aria-label="green"></button>
<span></span><button data-key="up" aria-label="up">▲</button><span></span>
<button data-key="left" aria-label="left">◀</button><button data-key="ok">${l.ok}</button><button data-key="right" aria-label="right">▶</button>
<span></span><button data-key="down" aria-label="down">▼</button><span></span>
<span></span><button data-key="back">${l.back}</button><span></span>
</div>
<p class="help">${l.keys}</p>
</body></html>`;
}

/** The page's script: draws each state the box pushes and posts the keys. */
export const TV_PAGE_SCRIPT = `"use strict";
const tv = document.getElementById("tv");
function draw(s) {
  tv.dataset.mode = s.mode;
  tv.dataset.state = s.status ? s.status.state : "";
  tv.dataset.kind = s.status ? s.status.kind : "";
  document.body.dataset.live = "on";
  document.getElementById("title").textContent = s.view.title;
  const ul = document.getElementById("lines");
  ul.replaceChildren(...s.view.lines.map((t, i) => {
    const li = document.createElement("li");
    li.textContent = t;
    if (s.mode === "menu" && s.menu && s.menu.index === i) li.className = "selected";
    return li;
  }));
  document.getElementById("hint").textContent = s.view.hint;
  const notice = document.getElementById("notice");
  notice.hidden = !s.view.notice;
  notice.textContent = s.view.notice || "";
  const offline = document.getElementById("offline");
  offline.hidden = !s.view.offline;
  offline.textContent = s.view.offline || "";
}
function send(key, holdMs) {
  fetch("/key", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key, holdMs: holdMs || 0 }) })
    .then((r) => r.ok ? r.json() : null).then((s) => s && draw(s)).catch(() => {});
}
new EventSource("/events").onmessage = (e) => draw(JSON.parse(e.data));
let greenDown = null;
for (const b of document.querySelectorAll(".remote button")) {
  const key = b.dataset.key;
  if (key === "green") {
    b.addEventListener("pointerdown", () => { greenDown = performance.now(); });
    b.addEventListener("pointerup", () => { if (greenDown !== null) send("green", performance.now() - greenDown); greenDown = null; });
  } else b.addEventListener("click", () => send(key));
}
const keyMap = { r: "red", R: "red", ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right", Enter: "ok", Escape: "back", Backspace: "back" };
document.addEventListener("keydown", (e) => {
  if (e.key === "g" || e.key === "G") {
    if (!e.repeat) greenDown = performance.now();
    e.preventDefault();
    return;
  }
  const key = keyMap[e.key];
  if (!key || e.repeat) return;
  e.preventDefault();
  send(key);
});
document.addEventListener("keyup", (e) => {
  if ((e.key === "g" || e.key === "G") && greenDown !== null) {
    send("green", performance.now() - greenDown);
    greenDown = null;
  }
});
`;
