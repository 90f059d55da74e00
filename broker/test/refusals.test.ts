/**
 * Refusal logging under a flood: every refusal counted, but lines per (source, reason) and per
 * window bounded, and the map of keys too. The window is driven by fake timers.
 */
import { ErrorCodes } from "@helpkey/shared";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMetrics } from "../src/metrics";
import { REFUSAL_LOG_WINDOW_MS, Refusals } from "../src/refusals";

let lines: Record<string, unknown>[];
let registry: Registry;
let refusals: Refusals;

beforeEach(() => {
  vi.useFakeTimers();
  lines = [];
  registry = new Registry();
  const logger = pino({ level: "warn", base: undefined }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  refusals = new Refusals(logger, createMetrics(registry, () => 0));
});
afterEach(() => {
  vi.useRealTimers();
});

const wrongPassword = (deviceId: string, source: string) =>
  refusals.record({ deviceId, clientId: deviceId }, { code: ErrorCodes.MQTT_AUTH_FAILED, reason: "bad credentials", details: { returnCode: 4 } }, source);
const metric = async (name: string, labels: Record<string, string>) =>
  (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;

describe("Refusals", () => {
  it("logs a source's first refusal at once, the rest of the window as one line with the count", async () => {
    for (let i = 0; i < 1000; i++) wrongPassword(`dev-${i % 50}`, "127.0.0.2");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, deviceId: "dev-0", source: "127.0.0.2", code: ErrorCodes.MQTT_AUTH_FAILED, returnCode: 4, msg: "mqtt refused: bad credentials" });
    vi.advanceTimersByTime(REFUSAL_LOG_WINDOW_MS);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ source: "127.0.0.2", code: ErrorCodes.MQTT_AUTH_FAILED, count: 999, deviceIds: ["dev-1", "dev-2", "dev-3", "dev-4", "dev-5"] });
    expect(await metric("hk_mqtt_refusals_total", { reason: ErrorCodes.MQTT_AUTH_FAILED })).toBe(1000);

    // a whole quiet window: the key is forgotten, and the next refusal is a line at once again
    vi.advanceTimersByTime(REFUSAL_LOG_WINDOW_MS);
    expect(lines).toHaveLength(2);
    expect(await metric("hk_mqtt_bounded_entries", { map: "refusal_log_keys" })).toBe(0);
    wrongPassword("dev-7", "127.0.0.2");
    expect(lines).toHaveLength(3);
  });

  it("keeps reasons of one source apart", () => {
    wrongPassword("dev-1", "127.0.0.2");
    refusals.record({ deviceId: "dev-1" }, { code: ErrorCodes.MQTT_AUTH_FAILED, reason: "too many failed checks from this address" }, "127.0.0.2");
    expect(lines.map((l) => l.msg)).toEqual(["mqtt refused: bad credentials", "mqtt refused: too many failed checks from this address"]);
  });

  it("writes a bounded number of lines per window however many sources refuse, and remembers a bounded number of them", async () => {
    const sources = 5_000;
    for (let i = 0; i < sources; i++) for (let k = 0; k < 3; k++) wrongPassword("dev-1", `10.${i >> 8}.${i & 255}.1`);
    const atOnce = lines.length;
    vi.advanceTimersByTime(REFUSAL_LOG_WINDOW_MS);
    expect(atOnce).toBeLessThanOrEqual(20);
    expect(lines.length).toBeLessThanOrEqual(20 + 20 + 1);
    // every refusal is in a line: told at once, summed in a summary, or in the "other" line
    const told = atOnce + lines.slice(atOnce).reduce((n, l) => n + Number(l.count), 0);
    expect(told).toBe(sources * 3);
    expect(await metric("hk_mqtt_refusals_total", { reason: ErrorCodes.MQTT_AUTH_FAILED })).toBe(sources * 3);
    expect(await metric("hk_mqtt_bounded_entries", { map: "refusal_log_keys" })).toBeLessThanOrEqual(1_000);
  });
});
