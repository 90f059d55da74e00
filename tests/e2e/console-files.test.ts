/**
 * The console is the built dashboard and nothing else: its own files are public, every other path
 * needs credentials, and without a build `/` says how to make one (there is no second console).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { rawRequest } from "../helpers/raw-http";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem | undefined;
afterEach(async () => {
  await sys?.close();
  sys = undefined;
});

it("serves the built console's files to anyone, and nothing else under / without credentials", async () => {
  sys = await startTestSystem();
  const index = await rawRequest(sys.httpUrl, { method: "GET", path: "/" });
  expect(index.status).toBe(200);
  expect(index.text).toContain("<script");
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)![1]!;
  expect((await rawRequest(sys.httpUrl, { method: "GET", path: asset })).status).toBe(200);
  expect((await rawRequest(sys.httpUrl, { method: "GET", path: "/r/some-token-0123456789" })).status).toBe(200);
  for (const p of ["/nothing-here.js", "/assets/../../package.json", "/%2e%2e/package.json", "/public/index.html"]) {
    expect((await rawRequest(sys.httpUrl, { method: "GET", path: p })).status, p).toBe(401);
  }
});

it("without a build, / says how to build the console", async () => {
  const empty = mkdtempSync(path.join(tmpdir(), "hk-nodash-"));
  try {
    sys = await startTestSystem({ dashboardDir: empty });
    const r = await rawRequest(sys.httpUrl, { method: "GET", path: "/" });
    expect(r.status).toBe(503);
    expect(r.text).toContain("pnpm build:dashboard");
    expect(r.text).toContain("控制台尚未构建");
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
