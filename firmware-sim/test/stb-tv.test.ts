/** The TV page's server: what it serves, and how it answers keys it cannot take. */
import { request } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSetTopBox, type SetTopBox } from "../src/stb/set-top-box";

let box: SetTopBox;
beforeAll(async () => {
  // No broker listens on port 1: the TV still works while the box is offline, and says so.
  box = await createSetTopBox({ url: "mqtt://127.0.0.1:1", id: "stb-tv-test", secret: "s", lang: "zh-CN", reconnectBaseMs: 60_000 });
});
afterAll(async () => {
  await box.close();
});

const post = (body: string, type = "application/json") => fetch(new URL("/key", box.url), { method: "POST", headers: { "content-type": type }, body });

it("serves the page with a script of its own origin only, and the screen as JSON", async () => {
  const page = await fetch(box.url);
  expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
  expect(await page.text()).toContain('<html lang="zh-CN">');
  const state = await (await fetch(new URL("/state.json", box.url))).json();
  expect(state).toMatchObject({ deviceId: "stb-tv-test", mode: "idle", connected: false, view: { title: "一键呼救", offline: "未连接" } });
});

it("takes a key as JSON and answers with the new screen", async () => {
  const res = await post(JSON.stringify({ key: "green" }));
  expect(res.status).toBe(200);
  expect((await res.json()).mode).toBe("menu");
  expect((await (await post(JSON.stringify({ key: "back" }))).json()).mode).toBe("idle");
});

it("refuses keys it does not know, bodies that are not JSON, other content types and big bodies, with a code", async () => {
  const cases: [Response, number, string][] = [
    [await post(JSON.stringify({ key: "blue" })), 400, "SIM_TV_BAD_KEY"],
    [await post(JSON.stringify({ key: "ok", holdMs: -1 })), 400, "SIM_TV_BAD_KEY"],
    [await post("{"), 400, "SIM_TV_BAD_KEY"],
    // a form post is what another site's page could send without asking: refused
    [await post("key=red", "application/x-www-form-urlencoded"), 415, "SIM_TV_NOT_JSON"],
    [await post(JSON.stringify({ key: "ok", pad: "x".repeat(2000) })), 413, "SIM_TV_TOO_LARGE"],
    [await fetch(new URL("/nope", box.url)), 404, "SIM_TV_NOT_FOUND"],
  ];
  for (const [res, status, code] of cases) {
    expect(res.status).toBe(status);
    expect((await res.json()).error.code).toBe(code);
  }
  expect(box.state().mode).toBe("idle");
});

/** A GET with the Host header a browser would send after a rebinding attack (fetch may not set Host). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

it("answers only to an address or localhost in the Host header: a rebound domain name gets 421", async () => {
  const port = new URL(box.url).port;
  const refused = await getWithHost(new URL("/state.json", box.url).href, `attacker.example:${port}`);
  expect(refused.status).toBe(421);
  expect(JSON.parse(refused.body).error.code).toBe("SIM_TV_BAD_HOST");
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect((await getWithHost(new URL("/state.json", box.url).href, host)).status).toBe(200);
});
