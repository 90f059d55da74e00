/**
 * Whether the phone channel can reach anyone, as /healthz, the console's banner and the start-up
 * banner tell it. Which network it is (real Twilio, a Twilio-compatible server, the built-in
 * emulator), and whether it works: the account is fetched at start and every minute (a 401 means the
 * credentials are wrong), and the outbox reports what the provider answers its requests.
 */
import type { Logger } from "pino";

export type PhoneMode = "twilio" | "compatible" | "emulator" | "injected";

export interface PhoneStatus {
  mode: PhoneMode;
  /** Requests reach the provider and it accepts our credentials. */
  ok: boolean;
  /** What is wrong, for people (null while ok). */
  problem: string | null;
  /** Since when `ok` has been what it is (epoch ms). */
  since: number;
}

const CHECK_EVERY_MS = 60_000;
const CHECK_TIMEOUT_MS = 10_000;

export class PhoneHealth {
  private current: PhoneStatus;
  private timer: NodeJS.Timeout | null = null;

  constructor(mode: PhoneMode, private readonly logger: Logger, private readonly now: () => number = Date.now) {
    this.current = { mode, ok: true, problem: null, since: now() };
  }

  status(): PhoneStatus {
    return { ...this.current };
  }

  /** The channel cannot reach anyone (credentials refused, provider unreachable). */
  broken(problem: string): void {
    if (!this.current.ok && this.current.problem === problem) return;
    if (this.current.ok) this.current.since = this.now();
    this.current = { ...this.current, ok: false, problem };
    this.logger.error({ mode: this.current.mode, problem }, "phone channel down: families are not being texted or called");
  }

  fine(): void {
    if (this.current.ok) return;
    this.current = { ...this.current, ok: true, problem: null, since: this.now() };
    this.logger.info({ mode: this.current.mode }, "phone channel working again");
  }

  /**
   * Fetches the account (`GET /2010-04-01/Accounts/{sid}.json`, HTTP basic auth) now and every
   * minute; resolves after the first check.
   */
  async watchAccount(apiBase: string, accountSid: string, authToken: string): Promise<void> {
    const check = async () => {
      const url = `${apiBase.replace(/\/+$/, "")}/2010-04-01/Accounts/${accountSid}.json`;
      try {
        const res = await fetch(url, { headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}` }, signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
        if (res.status === 401 || res.status === 403) this.broken(`the provider refused the credentials (HTTP ${res.status}): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN`);
        else if (!res.ok) this.broken(`the provider answered HTTP ${res.status} to the account check`);
        else this.fine();
      } catch (err) {
        this.broken(`cannot reach the phone provider at ${new URL(apiBase).host}: ${(err as Error).message}`);
      }
    };
    await check();
    this.timer = setInterval(() => void check(), CHECK_EVERY_MS);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
