/** The set-top box's remote and screen as a model: keys, time and acks in, presses and events out. */
import { expect, it } from "vitest";
import type { AlarmAction, AlarmKind, DeviceEvent } from "@helpkey/shared";
import { DEFAULT_CATEGORIES } from "../src/stb/categories";
import { DEFAULT_TIMING, TvScreen } from "../src/stb/screen";
import { tvState } from "../src/stb/view";

function box(lang: "zh-CN" | "en" = "en") {
  const presses: { seq: number; action: AlarmAction; kind: AlarmKind; category?: string }[] = [];
  const events: DeviceEvent[] = [];
  const screen = new TvScreen({
    press: (o) => (presses.push({ seq: presses.length + 1, ...o }), presses.length),
    event: (e) => void events.push(e),
  }, DEFAULT_TIMING, DEFAULT_CATEGORIES.map((c) => c.key));
  const view = (now: number) => tvState(screen, { deviceId: "stb-1", lang, connected: true, categories: DEFAULT_CATEGORIES }, now);
  return { screen, presses, events, view };
}

it("red starts a 10 s countdown in the resident's language; when it runs out an emergency goes", () => {
  const { screen, presses, view } = box("zh-CN");
  screen.key("red", 0, 1000);
  expect(view(1000).view.title).toBe("10 秒后发出求助，按 OK 取消");
  expect(view(4500).view.title).toBe("7 秒后发出求助，按 OK 取消");
  screen.wake(10_999);
  expect(presses).toEqual([]);
  screen.wake(11_000);
  expect(presses).toEqual([{ seq: 1, action: "raise", kind: "emergency" }]);
  expect(view(11_000).mode).toBe("sent");
});

it("OK or BACK during the countdown sends nothing", () => {
  for (const k of ["ok", "back"] as const) {
    const { screen, presses, view } = box();
    screen.key("red", 0, 0);
    screen.key(k, 0, 9_000);
    screen.wake(20_000);
    expect(presses).toEqual([]);
    expect(view(20_000).mode).toBe("idle");
  }
});

it("OK on the sent screen within the cancel window cancels; after it, OK only closes the status", () => {
  const early = box();
  early.screen.key("red", 0, 0);
  early.screen.wake(10_000);
  early.screen.key("ok", 0, 15_000);
  expect(early.presses.map((p) => p.action)).toEqual(["raise", "cancel"]);
  expect(early.presses[1]!.kind).toBe("emergency");

  const late = box();
  late.screen.key("red", 0, 0);
  late.screen.wake(10_000);
  late.screen.ack({ seq: 1, alertId: 7, state: "received" }, 10_050);
  expect(late.view(19_999).mode).toBe("sent");
  late.screen.key("ok", 0, 20_000);
  expect(late.presses.map((p) => p.action)).toEqual(["raise"]);
  expect(late.view(20_000).mode).toBe("idle");
  // the next ack brings the status back, with who has it and the gateway's sentence
  late.screen.ack({ seq: 1, alertId: 7, state: "acknowledged", by: "王丽", text: "王丽正在赶来 10:02" }, 30_000);
  const s = late.view(30_000);
  expect(s.mode).toBe("status");
  expect(s.view.title).toBe("王丽正在赶来 10:02");
  expect(s.view.lines).toContain("Taken by 王丽");
});

it("green opens the service menu; arrows and OK send a service request with that category", () => {
  const { screen, presses, view } = box("zh-CN");
  screen.key("green", 100, 0);
  expect(view(0).view.lines).toEqual(["医疗求助", "居家养老", "家政服务", "维修", "水电气", "政务咨询"]);
  screen.key("down", 0, 1);
  screen.key("right", 0, 2);
  screen.key("down", 0, 3);
  screen.key("up", 0, 4);
  screen.key("up", 0, 5);
  screen.key("up", 0, 6);
  screen.key("up", 0, 7); // wraps around to the last one
  expect(view(7).menu!.index).toBe(5);
  screen.key("ok", 0, 8);
  expect(presses).toEqual([{ seq: 1, action: "raise", kind: "service", category: "government" }]);
  expect(view(8).view.lines).toContain("服务：政务咨询");
});

it("a long green press is 'I'm fine' (activity from the key); other keys are TV activity at most once per 10 min", () => {
  const { screen, events, view } = box("zh-CN");
  screen.key("green", 2_000, 0);
  expect(events).toEqual([{ type: "activity", ts: 0, source: "key" }]);
  expect(view(0).view.notice).toBe("平安");
  expect(view(0).mode).toBe("idle");
  screen.key("up", 0, 1_000);
  screen.key("down", 0, 599_999);
  expect(events).toHaveLength(1);
  screen.key("down", 0, 600_000);
  expect(events[1]).toEqual({ type: "activity", ts: 600_000, source: "tv" });
});

it("a display message is shown (event shown), dismissed with OK (event dismissed), and a redelivery is ignored", () => {
  const { screen, events, view } = box("en");
  screen.key("up", 0, 0); // the first activity event, out of the way
  events.length = 0;
  screen.display({ text: "Water off 9-11", msgId: 4, from: "Community centre" }, 1);
  screen.display({ text: "second", msgId: 5 }, 2);
  screen.display({ text: "Water off 9-11", msgId: 4, from: "Community centre" }, 3);
  expect(events).toEqual([{ type: "shown", msgId: 4 }]);
  const v = view(3);
  expect(v.view.title).toBe("Message from Community centre");
  expect(v.view.lines).toEqual(["Water off 9-11", "1 more messages"]);
  screen.key("ok", 0, 4);
  expect(events.slice(1)).toEqual([{ type: "dismissed", msgId: 4 }, { type: "shown", msgId: 5 }]);
  screen.key("back", 0, 5);
  expect(events.at(-1)).toEqual({ type: "dismissed", msgId: 5 });
  expect(view(5).mode).toBe("idle");
});

it("a countdown covers a message: it is drawn (and reported shown) only when the countdown ends", () => {
  const { screen, events } = box();
  screen.key("red", 0, 0);
  screen.display({ text: "hello", msgId: 9 }, 1);
  expect(events.filter((e) => e.type === "shown")).toEqual([]);
  screen.key("ok", 0, 2);
  expect(events.filter((e) => e.type === "shown")).toEqual([{ type: "shown", msgId: 9 }]);
});
