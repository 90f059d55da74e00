/** What one source address may cost the embedded broker (config.ts mqttLimits): defaults, settings, refusals. */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config";

const load = (env: Record<string, string>) => loadConfig({ HK_DATA_DIR: "/tmp/unused", ...env });

describe("mqtt limits per source address", () => {
  it("defaults to a 10 s CONNECT timeout, 5,000 waiting for CONNACK, 500 new a second after a burst of 5,000, a device's logins 1 a second after 10", () => {
    expect(load({}).mqttLimits).toEqual({ connectTimeoutMs: 10_000, pendingPerSource: 5_000, connectRate: { perSecond: 500, burst: 5_000 }, deviceConnectRate: { perSecond: 1, burst: 10 } });
  });

  it("reads each variable", () => {
    const c = load({ HK_MQTT_CONNECT_TIMEOUT_S: "2.5", HK_MQTT_PENDING_PER_SOURCE: "100", HK_MQTT_CONNECTS_PER_S: "20", HK_MQTT_CONNECTS_BURST: "200", HK_MQTT_DEVICE_CONNECTS_PER_S: "0.1", HK_MQTT_DEVICE_CONNECTS_BURST: "3" });
    expect(c.mqttLimits).toEqual({ connectTimeoutMs: 2_500, pendingPerSource: 100, connectRate: { perSecond: 20, burst: 200 }, deviceConnectRate: { perSecond: 0.1, burst: 3 } });
    expect(Object.isFrozen(c.mqttLimits)).toBe(true);
  });

  it("refuses nonsense, naming the variable", () => {
    for (const [name, value] of [["HK_MQTT_CONNECT_TIMEOUT_S", "0"], ["HK_MQTT_CONNECT_TIMEOUT_S", "3600"], ["HK_MQTT_PENDING_PER_SOURCE", "0"], ["HK_MQTT_PENDING_PER_SOURCE", "1.5"], ["HK_MQTT_CONNECTS_PER_S", "-1"], ["HK_MQTT_CONNECTS_BURST", "x"], ["HK_MQTT_DEVICE_CONNECTS_PER_S", "0"], ["HK_MQTT_DEVICE_CONNECTS_BURST", "0.5"]] as const) {
      expect(() => load({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => load({ [name]: value })).toThrow(name);
    }
  });
});
