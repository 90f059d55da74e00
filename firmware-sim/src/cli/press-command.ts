/**
 * `pnpm press`: one press of an emulated device, the ack printed with its latency, optionally every
 * later ack of the alert (--follow) until it is resolved or cancelled.
 */
import { performance } from "node:perf_hooks";
import { pino } from "pino";
import { alarmActions, alarmKinds, alarmTriggers, deviceIdSchema, type AckPayload } from "@helpkey/shared";
import { createSimDevice, type SimDevice } from "../device";
import { DeviceStateError } from "../device-state";
import { readCredentials } from "./credentials";
import type { Messages } from "./messages";
import { EXIT, UsageError, fileText, oneOf, parse, positiveNumber } from "./usage";

const DEFAULT_URL = "mqtt://127.0.0.1:1883";
const DEFAULT_STATE_DIR = "./data/sim";
const DEFAULT_TIMEOUT_S = 10;
/** OpenSSL's and Node's codes for a certificate the device could not verify (self-signed, other CA, wrong name, expired). */
const UNTRUSTED = /SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)|CERT_/;

const options = {
  id: { type: "string" },
  secret: { type: "string" },
  credentials: { type: "string" },
  device: { type: "string" },
  url: { type: "string" },
  ca: { type: "string" },
  kind: { type: "string" },
  action: { type: "string" },
  trigger: { type: "string" },
  "state-dir": { type: "string" },
  timeout: { type: "string" },
  follow: { type: "boolean" },
  verbose: { type: "boolean" },
  lang: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Output: results on stdout; "pressed … " stays open so the ack completes the line. */
function printer() {
  let open = false;
  return {
    start(s: string) {
      process.stdout.write(`${s} `);
      open = true;
    },
    out(s: string) {
      process.stdout.write(`${s}\n`);
      open = false;
    },
    err(s: string) {
      if (open) process.stdout.write("\n");
      open = false;
      process.stderr.write(`${s}\n`);
    },
  };
}

export async function runPress(argv: string[], m: Messages): Promise<number> {
  const v = parse(argv, options);
  if (v.help) {
    process.stdout.write(`${m.pressHelp}\n`);
    return EXIT.ok;
  }
  if (v.device !== undefined && !v.credentials) throw new UsageError("--device picks a device of --credentials FILE: give the file too");
  const creds = v.credentials ? readCredentials(v.credentials, v.device) : undefined;
  const id = v.id ?? creds?.id;
  const secret = v.secret ?? creds?.secret;
  if (!id) throw new UsageError("--id is required (or --credentials FILE)");
  if (!secret) throw new UsageError("--secret is required (or --credentials FILE)");
  if (!deviceIdSchema.safeParse(id).success) throw new UsageError(`--id "${id}" is not a device id (3-64 of A-Z a-z 0-9 _ -)`);
  const url = v.url ?? creds?.mqtt.url ?? DEFAULT_URL;
  if (!URL.canParse(url)) throw new UsageError(`--url "${url}" is not a URL, e.g. ${DEFAULT_URL}`);
  if (!/^(mqtt|mqtts|ws|wss):$/.test(new URL(url).protocol)) throw new UsageError(`--url "${url}" must be mqtt://, mqtts://, ws:// or wss://`);
  const ca = fileText(v.ca, "--ca");
  const kind = oneOf(v.kind, alarmKinds, "--kind", "emergency");
  const action = oneOf(v.action, alarmActions, "--action", "raise");
  const trigger = oneOf(v.trigger, alarmTriggers, "--trigger", "button");
  const timeoutS = positiveNumber(v.timeout, "--timeout", DEFAULT_TIMEOUT_S);

  const logger = pino({ level: v.verbose ? "debug" : "silent" }, pino.destination({ dest: 2, sync: true }));
  let device: SimDevice;
  try {
    device = createSimDevice({ url, id, secret, ...(ca ? { ca } : {}), stateDir: v["state-dir"] ?? DEFAULT_STATE_DIR, logger, reconnectBaseMs: 500, reconnectJitterMs: 250 });
  } catch (err) {
    if (!(err instanceof DeviceStateError)) throw err;
    process.stderr.write(`${m.cannotRun(err.message)}\n`);
    return EXIT.refused;
  }
  return pressAndWait(device, { url, kind, action, trigger, timeoutS, follow: v.follow ?? false }, m);
}

interface PressPlan {
  url: string;
  kind: (typeof alarmKinds)[number];
  action: (typeof alarmActions)[number];
  trigger: (typeof alarmTriggers)[number];
  timeoutS: number;
  follow: boolean;
}

const isFinal = (a: AckPayload) => a.state === "resolved" || a.state === "cancelled";

function pressAndWait(device: SimDevice, plan: PressPlan, m: Messages): Promise<number> {
  const p = printer();
  return new Promise<number>((resolve) => {
    let firstSentAt: number | undefined;
    let first: AckPayload | undefined;
    let everConnected = false;
    let warned = false;
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      void device.close().finally(() => resolve(code));
    };
    const onSignal = () => finish(first ? EXIT.ok : EXIT.timeout);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);

    device.on("connect", () => void (everConnected = true));
    device.on("refused", () => {
      p.err(m.refused);
      finish(EXIT.refused);
    });
    device.on("connect-failed", (e) => {
      if (warned) return;
      warned = true;
      const reason = (e as NodeJS.ErrnoException).code ?? e.message;
      p.err(UNTRUSTED.test(reason) ? m.untrusted(plan.url, reason) : m.unreachable(plan.url, reason));
    });
    device.on("sent", (e) => {
      if (e.seq !== seq) return;
      if (e.attempt === 1) firstSentAt = e.at;
      else p.err(m.resent(seq, e.attempt));
    });
    device.on("ack", (a) => {
      if (!first) {
        if (a.seq !== seq) return;
        first = a;
        const ms = firstSentAt === undefined ? undefined : performance.now() - firstSentAt;
        p.out(m.ack(a.state, a.alertId, ms, a.by, a.text));
        if (!plan.follow || isFinal(a)) return finish(EXIT.ok);
        clearTimeout(timer); // --follow: no deadline once acked; Ctrl-C ends it
      } else if (a.alertId === first.alertId && a !== first) {
        p.out(m.ack(a.state, a.alertId, undefined, a.by, a.text));
        if (isFinal(a)) finish(EXIT.ok);
      }
    });

    const { seq } = device.press({ kind: plan.kind, action: plan.action, trigger: plan.trigger });
    p.start(m.pressed(device.id, seq, plan.kind, plan.action));
    const timer = setTimeout(() => {
      p.err(everConnected ? m.ackTimeout(plan.timeoutS, seq, device.statePath) : m.noConnection(plan.url, plan.timeoutS));
      finish(EXIT.timeout);
    }, plan.timeoutS * 1000);
  });
}
