import { describe, expect, it } from "vitest";
import type { NotificationView } from "@helpkey/shared";
import { summarizeByPerson } from "../src/board/contact-summary";

let id = 0;
const n = (contactId: number | null, name: string, channel: "sms" | "call" | "control", status: NotificationView["status"], at: number): NotificationView => ({
  id: ++id, alertId: 1, contactId, contactName: name, channel, purpose: channel === "call" ? "call" : "alarm", wave: 1, status, attempts: 1, providerSid: null, lastError: null, updatedAt: at,
});
const contacts = [
  { id: 1, name: "王丽（女儿）", relation: "daughter", phone: "+447700900011" },
  { id: 2, name: "王伟（儿子）", relation: "son", phone: "+447700900012" },
  { id: 3, name: "刘芳（邻居）", relation: "neighbour", phone: "+447700900013" },
];

describe("the report's notification history per person", () => {
  it("one row per contact with its attempts and the best result, people who are not contacts after them, hang-ups left out", () => {
    const ns = [
      n(1, "王丽（女儿）", "sms", "delivered", 10), n(1, "王丽（女儿）", "call", "no-answer", 20), n(1, "王丽（女儿）", "call", "pressed1", 40),
      n(1, "王丽（女儿）", "control", "completed", 41), n(2, "王伟（儿子）", "sms", "delivered", 11), n(2, "王伟（儿子）", "call", "pressed2", 30),
      n(null, "巡逻队员老赵", "sms", "delivered", 50),
    ];
    const rows = summarizeByPerson(ns, contacts);
    expect(rows.map((r) => [r.name, r.sms, r.calls, r.result, r.lastAt, r.attempts.length])).toEqual([
      ["王丽（女儿）", 1, 2, "pressed1", 40, 3],
      ["王伟（儿子）", 1, 1, "pressed2", 30, 2],
      ["刘芳（邻居）", 0, 0, "", 0, 0],
      ["巡逻队员老赵", 1, 0, "delivered", 50, 1],
    ]);
    expect(rows[0]).toMatchObject({ contactId: 1, relation: "daughter", phone: "+447700900011" });
  });

  it("eighty status rows of a long cascade are still one row per person", () => {
    const ns = Array.from({ length: 80 }, (_, i) => n(1 + (i % 3), contacts[i % 3]!.name, i % 4 === 0 ? "sms" : "call", "no-answer", i));
    const rows = summarizeByPerson(ns, contacts);
    expect(rows).toHaveLength(3);
    expect(rows.reduce((s, r) => s + r.attempts.length, 0)).toBe(80);
  });
});
