/**
 * A login flood locks out only the flooder: wrong passwords lock a (username, source address) pair,
 * never the username everywhere; one source's login requests are capped per minute; behind a trusted
 * proxy the client's address and protocol come from X-Forwarded-*, and the cookie is Secure.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCodes } from "@helpkey/shared";
import { LOGIN_REQUESTS_PER_MINUTE } from "@helpkey/gateway/http/login-guard";
import { createUser, type Login } from "../helpers/browser";
import { loginRaw, rawRequest } from "../helpers/raw-http";
import { startTestSystem, type TestSystem } from "../helpers/system";

let sys: TestSystem;
let zhang: Login;

afterEach(async () => {
  await sys.close();
});

describe("without a proxy", () => {
  beforeEach(async () => {
    sys = await startTestSystem();
    const c = await sys.api<{ id: number }>("POST", "/api/communities", { name: "C" });
    zhang = await createUser(sys.api, { name: "Dispatcher Zhang", communityIds: [c.body.id] });
  });

  it("wrong passwords from one address lock that address out of that account, not the dispatcher at her desk", async () => {
    for (let i = 0; i < 5; i++) expect((await loginRaw(sys.httpUrl, zhang.username, "wrong password", "127.0.0.2")).status).toBe(401);
    const locked = await loginRaw(sys.httpUrl, zhang.username, zhang.password, "127.0.0.2");
    expect(locked.status).toBe(429);
    expect(JSON.parse(locked.text).error.code).toBe(ErrorCodes.TOO_MANY_REQUESTS);
    expect(Number(locked.headers["retry-after"])).toBeGreaterThan(0);
    // her own desk: the right password works at once
    const desk = await loginRaw(sys.httpUrl, zhang.username, zhang.password, "127.0.0.1");
    expect(desk.status).toBe(200);
    expect(desk.cookie).toMatch(/^hk_session=/);
  });

  it("a browser that logged in before is let in past a lock a guesser on its address set off, and served ahead of strangers", async () => {
    const first = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", localAddress: "127.0.0.4", body: JSON.stringify({ username: zhang.username, password: zhang.password }) });
    expect(first.status).toBe(200);
    const set = [first.headers["set-cookie"]].flat() as string[];
    const known = set.find((c) => c.startsWith("hk_known_"))!;
    expect(known).toMatch(/Path=\/api\/session/i);
    expect(known).toMatch(/HttpOnly/i);
    const knownCookie = known.split(";")[0]!;
    // someone else on the same address (a shared NAT) guesses her password five times
    for (let i = 0; i < 5; i++) expect((await loginRaw(sys.httpUrl, zhang.username, "wrong password", "127.0.0.4")).status).toBe(401);
    expect((await loginRaw(sys.httpUrl, zhang.username, zhang.password, "127.0.0.4")).status).toBe(429);
    const again = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", localAddress: "127.0.0.4", headers: { cookie: knownCookie }, body: JSON.stringify({ username: zhang.username, password: zhang.password }) });
    expect(again.status).toBe(200);
    // the cookie names its account: for another username it is nobody's
    const forged = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", localAddress: "127.0.0.4", headers: { cookie: knownCookie.replace(/=.*/, "=zzzz.AAAAAAAAAAAAAAAAAAAAAA") }, body: JSON.stringify({ username: zhang.username, password: zhang.password }) });
    expect(forged.status).toBe(429);
    // a known browser's logins use the "known" lane of the hash pool, a stranger's the "password" lane
    const metrics = await (await fetch(`${sys.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^hk_hash_jobs_total\{lane="known",outcome="done"\} 1$/m);
    expect(metrics).toMatch(/^hk_hash_jobs_total\{lane="password",outcome="done"\} \d+$/m);
  });

  it("caps one address's login requests per minute, whatever the usernames, and answers in the API's error format", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_REQUESTS_PER_MINUTE; i++) statuses.push((await loginRaw(sys.httpUrl, `nobody${i}`, "guess", "127.0.0.3")).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const over = await loginRaw(sys.httpUrl, "nobody", "guess", "127.0.0.3");
    expect(over.status).toBe(429);
    expect(JSON.parse(over.text).error).toMatchObject({ code: ErrorCodes.TOO_MANY_REQUESTS });
    // a forged X-Forwarded-For is not believed without HK_TRUST_PROXY
    const forged = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", localAddress: "127.0.0.3", headers: { "x-forwarded-for": "10.9.9.9" }, body: JSON.stringify({ username: "nobody", password: "guess" }) });
    expect(forged.status).toBe(429);
    // another address is unaffected
    expect((await loginRaw(sys.httpUrl, zhang.username, zhang.password, "127.0.0.1")).status).toBe(200);
  });

  it("sets a cookie without Secure over plain HTTP, and ignores X-Forwarded-Proto from an untrusted peer", async () => {
    const r = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", headers: { "x-forwarded-proto": "https" }, body: JSON.stringify({ username: zhang.username, password: zhang.password }) });
    expect(r.status).toBe(200);
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).not.toMatch(/Secure/i);
  });
});

describe("behind a trusted proxy (HK_TRUST_PROXY)", () => {
  beforeEach(async () => {
    sys = await startTestSystem({ env: { HK_TRUST_PROXY: "127.0.0.1" } });
    const c = await sys.api<{ id: number }>("POST", "/api/communities", { name: "C" });
    zhang = await createUser(sys.api, { name: "Dispatcher Zhang", communityIds: [c.body.id] });
  });

  it("marks the session cookie Secure when the proxy says the browser used TLS, and locks by the forwarded address", async () => {
    const viaTls = await rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", headers: { "x-forwarded-proto": "https", "x-forwarded-for": "10.0.0.5" }, body: JSON.stringify({ username: zhang.username, password: zhang.password }) });
    expect(viaTls.status).toBe(200);
    expect(String(viaTls.headers["set-cookie"])).toMatch(/; Secure/i);
    const from = (ip: string, password: string) =>
      rawRequest(sys.httpUrl, { method: "POST", path: "/api/session", headers: { "x-forwarded-for": ip }, body: JSON.stringify({ username: zhang.username, password }) });
    for (let i = 0; i < 5; i++) expect((await from("10.0.0.66", "wrong password")).status).toBe(401);
    expect((await from("10.0.0.66", zhang.password)).status).toBe(429);
    expect((await from("10.0.0.5", zhang.password)).status).toBe(200);
  });
});
