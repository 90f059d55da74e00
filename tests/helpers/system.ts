/**
 * Starts the real system for a test: broker and gateway on port 0, SQLite in a temp dir, the real
 * twilio SDK against the built-in phone-network emulator. Always close what you start.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "@helpkey/gateway/config";
import { startSystem, type System, type SystemOptions } from "@helpkey/gateway/system";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestSystem extends System {
  dataDir: string;
  api: Api;
  /** Stops the system, keeps the data dir (for restart tests). */
  stop(): Promise<void>;
  /** Stops and removes the data dir. */
  close(): Promise<void>;
}

export interface Api {
  <T = any>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
}

export function makeApi(baseUrl: string, defaultToken = ADMIN_TOKEN): Api {
  return async (method, url, body, token = defaultToken) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

export function testEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HK_HTTP_PORT: "0", HK_MQTT_PORT: "0", HK_DATA_DIR: dataDir, HK_DEMO: "0", HK_ADMIN_TOKEN: ADMIN_TOKEN, HK_LOG_LEVEL: "silent", ...extra };
}

export async function startTestSystem(opts: { dataDir?: string; env?: Record<string, string> } & SystemOptions = {}): Promise<TestSystem> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "hk-test-"));
  const config = loadConfig(testEnv(dataDir, opts.env));
  const sys = await startSystem(config, { rates: { smsPerSecond: 50, callsPerSecond: 50, maxInFlight: 20 }, ...opts });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await sys.close();
  };
  return {
    ...sys, dataDir, api: makeApi(sys.httpUrl), stop,
    close: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `fn` returns a truthy value (the system is asynchronous by design). */
export async function waitFor<T>(fn: () => T | Promise<T>, timeoutMs = 5000, what = "condition"): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
