/**
 * Real Chromium for the console tests: Debian's /usr/bin/chromium driven by playwright-core, never a
 * downloaded browser (one would have to be fetched from outside). Console users are made through the real API.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Api } from "./system";
import { testConfig } from "./config";

export const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
export const SCREENSHOTS = fileURLToPath(new URL("../../docs/screenshots/", import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

export interface Login {
  username: string;
  password: string;
  name: string;
}

let n = 0;
/** Creates a console account (as the admin, over the HTTP API) and returns how to log in. */
export async function createUser(api: Api, o: { name: string; communityIds: number[]; role?: "dispatcher" | "supervisor" | "admin" }): Promise<Login> {
  const login = { username: `user${++n}_${process.pid}`, password: "correct horse battery", name: o.name };
  const r = await api("POST", "/api/users", { ...login, role: o.role ?? "dispatcher", communityIds: o.communityIds });
  if (r.status !== 201) throw new Error(`create user: ${r.status} ${JSON.stringify(r.body)}`);
  return login;
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser profile, logged in through the login form; waits until the live socket is up. */
export async function openConsolePage(browser: Browser, baseUrl: string, login: Login, o: { lang?: "zh-CN" | "en"; width?: number; height?: number } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: o.width ?? 1280, height: o.height ?? 800 } });
  // Fail a step in seconds, with its selector, rather than at the test's own timeout.
  context.setDefaultTimeout(5000);
  const lang = o.lang ?? "en";
  await context.addInitScript((l) => localStorage.getItem("hk-lang") || localStorage.setItem("hk-lang", l), lang);
  const page = await context.newPage();
  page.on("pageerror", (err) => console.error(`[browser ${login.name}] ${err.message}`));
  await page.goto("/");
  await page.fill("#login-form input[name=username]", login.username);
  await page.fill("#login-form input[name=password]", login.password);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("body[data-live=on]", { timeout: 5000 });
  return { context, page };
}

/** The queue's alert ids, top to bottom, as the dispatcher sees them. */
export function queueIds(page: Page): Promise<number[]> {
  return page.$$eval("#queue .card", (cards) => cards.map((c) => Number((c as HTMLElement).dataset.alertId)));
}

/**
 * The committed pictures in docs/screenshots change only when asked for (`pnpm screenshots` sets
 * HK_SCREENSHOTS=1); an ordinary test run still renders the page to a picture, and keeps it in memory.
 */
export const WRITE_SCREENSHOTS = testConfig.writeScreenshots;

export async function screenshot(page: Page, name: string): Promise<string | null> {
  // The last action's feedback line would cover part of the page in a still picture.
  await page.evaluate(() => document.getElementById("toast")?.classList.remove("show"));
  if (!WRITE_SCREENSHOTS) {
    await page.screenshot({ fullPage: true });
    return null;
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = `${SCREENSHOTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
