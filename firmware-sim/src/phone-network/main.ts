/**
 * `pnpm sim phone-network`: the phone network as a process of its own, printing what its people
 * receive and do. Also runs directly: `tsx firmware-sim/src/phone-network/main.ts --port 4010`.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { langFrom, messages, type Messages } from "../cli/messages";
import { EXIT, UsageError, parse, port, positiveNumber } from "../cli/usage";
import { peopleFileSchema, type PersonScript } from "./people";
import { newSid } from "./resources";
import { createPhoneNetwork } from "./server";
import type { PhoneNetwork } from "./types";

const options = {
  host: { type: "string" },
  port: { type: "string" },
  "account-sid": { type: "string" },
  "auth-token": { type: "string" },
  "inbound-sms-url": { type: "string" },
  people: { type: "string" },
  speed: { type: "string" },
  verbose: { type: "boolean" },
  lang: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function readPeople(file: string): Record<string, PersonScript> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --people ${file}: ${(err as Error).message}`);
  }
  const parsed = peopleFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--people ${file}: ${issue?.path.join(".") || "file"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** One readable line per thing that happens, for a person watching the demo. */
function narrate(net: PhoneNetwork): void {
  const say = (s: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);
  net.on("message", (msg) => say(`sms  ${msg.sid.slice(0, 8)} → ${msg.to}: ${msg.body}`));
  net.on("inbound-sms", (msg) => say(`sms  ${msg.from} replies: ${msg.body}${msg.delivered ? "" : " (not delivered: no --inbound-sms-url or it failed)"}`));
  net.on("call-event", (e) => {
    const to = net.calls.find((c) => c.sid === e.sid)?.to ?? "";
    if (e.type === "status") say(`call ${e.sid.slice(0, 8)} ${to} ${e.status}`);
    else if (e.type === "say") say(`call ${e.sid.slice(0, 8)}   says: ${e.detail}`);
    else if (e.type === "digits") say(`call ${e.sid.slice(0, 8)}   ${to} pressed ${e.detail}`);
    else if (e.type === "amd") say(`call ${e.sid.slice(0, 8)}   answered by ${e.detail}`);
  });
}

export async function runPhoneNetwork(argv: string[], m: Messages): Promise<number> {
  const v = parse(argv, options);
  if (v.help) {
    process.stdout.write(`${m.phoneHelp}\n`);
    return EXIT.ok;
  }
  const inboundSmsUrl = v["inbound-sms-url"];
  if (inboundSmsUrl !== undefined && !URL.canParse(inboundSmsUrl)) throw new UsageError(`--inbound-sms-url "${inboundSmsUrl}" is not a URL`);
  const accountSid = v["account-sid"] ?? newSid("AC");
  if (!/^AC[0-9a-f]{32}$/i.test(accountSid)) throw new UsageError(`--account-sid must be AC + 32 hex digits (the twilio SDK refuses others)`);
  let net: PhoneNetwork;
  try {
    net = await createPhoneNetwork({
      host: v.host ?? "127.0.0.1",
      port: port(v.port, 0),
      accountSid,
      authToken: v["auth-token"] ?? randomBytes(16).toString("hex"),
      speed: positiveNumber(v.speed, "--speed", 1),
      logger: pino({ level: v.verbose ? "debug" : "warn" }, pino.destination({ dest: 2, sync: true })),
      ...(v.people ? { people: readPeople(v.people) } : {}),
      ...(inboundSmsUrl ? { inboundSmsUrl } : {}),
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    process.stderr.write(`${m.cannotRun((err as Error).message)}\n`);
    return EXIT.refused;
  }
  process.stdout.write(`${m.phoneListening(net.url, net.accountSid, net.authToken)}\n`);
  narrate(net);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await net.close();
  return EXIT.ok;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const m = messages(langFrom(argv));
  runPhoneNetwork(argv, m).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`${err instanceof UsageError ? m.usageError(err.message, "phone-network") : m.cannotRun(err.stack ?? err.message)}\n`);
      process.exit(err instanceof UsageError ? EXIT.usage : EXIT.refused);
    },
  );
}
