/**
 * A Twilio-compatible phone network on a local port (without Twilio
 * credentials the same Twilio SDK is pointed at this emulator, so a new user sees the whole loop on
 * one machine). Its simulated people answer, ignore, send to voicemail, press keys and reply by SMS.
 */
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { buildPhoneApp } from "./app";
import { NetworkState } from "./network-state";
import type { PersonScript } from "./people";
import type { Failure, FailureMatch, PhoneNetwork, PhoneNetworkEvents, PhoneNetworkOptions } from "./types";

/** How often waitFor() re-checks besides every event, for conditions that depend on time alone. */
const WAIT_POLL_MS = 25;

export async function createPhoneNetwork(opts: PhoneNetworkOptions): Promise<PhoneNetwork> {
  if (!/^AC[0-9a-f]{32}$/i.test(opts.accountSid)) {
    throw new Error(`accountSid must be "AC" + 32 hex digits (the twilio SDK refuses other values), got "${opts.accountSid}"`);
  }
  if (!opts.authToken) throw new Error("authToken must not be empty: callbacks are signed with it");
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);

  const net = new NetworkState({
    accountSid: opts.accountSid,
    authToken: opts.authToken,
    speed,
    log: (opts.logger ?? pino({ level: "silent" })).child({ component: "phone-network" }),
  });
  for (const [phone, script] of Object.entries(opts.people ?? {})) net.people.set(phone, script);
  if (opts.defaultPerson) net.defaultPerson = opts.defaultPerson;
  net.inboundSmsUrl = opts.inboundSmsUrl;

  const app = buildPhoneApp(net);
  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
  const { address, port } = app.server.address() as AddressInfo;
  const url = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url,
    accountSid: opts.accountSid,
    authToken: opts.authToken,
    messages: net.messages,
    inboundMessages: net.inboundMessages,
    calls: net.calls,
    setPerson(phone: string, script: PersonScript) {
      net.people.set(phone, script);
    },
    setInboundSmsUrl(u: string | undefined) {
      net.inboundSmsUrl = u;
    },
    failNext(n: number, failure: Failure = { status: 429, code: 20429 }, match: FailureMatch = {}) {
      net.failNext(n, failure, match);
    },
    // The casts only bridge TypeScript's generic K to EventEmitter's conditional listener type.
    on(event, cb) {
      net.events.on(event, cb as never);
    },
    off(event, cb) {
      net.events.off(event, cb as never);
    },
    waitFor: (predicate, timeoutMs) => waitFor(net, predicate, timeoutMs),
    close() {
      closing ??= (async () => {
        net.shutdown();
        await app.close();
      })();
      return closing;
    },
  };
}

function waitFor<T>(net: NetworkState, predicate: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const names: (keyof PhoneNetworkEvents)[] = ["message", "message-status", "inbound-sms", "call", "call-event"];
  return new Promise((resolve, reject) => {
    const done = (fn: () => void) => {
      clearTimeout(timer);
      clearInterval(poll);
      for (const n of names) net.events.off(n, check);
      fn();
    };
    const check = () => {
      let v: T | undefined | null | false;
      try {
        v = predicate();
      } catch (err) {
        return done(() => reject(err as Error));
      }
      if (v) done(() => resolve(v as T));
    };
    const timer = setTimeout(() => done(() => reject(new Error(`phone network: condition not met within ${timeoutMs} ms`))), timeoutMs);
    const poll = setInterval(check, WAIT_POLL_MS);
    for (const n of names) net.events.on(n, check);
    check();
  });
}
