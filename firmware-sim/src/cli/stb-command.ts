/**
 * `pnpm sim stb`: a set-top box on the broker, its TV served as a page with a drawn remote. Prints
 * the TV page's URL and runs until Ctrl-C.
 */
import { readFileSync } from "node:fs";
import { pino } from "pino";
import { deviceIdSchema } from "@helpkey/shared";
import { DeviceStateError } from "../device-state";
import { createSetTopBox, type SetTopBox } from "../stb/set-top-box";
import { stbCategoriesSchema, type StbCategory } from "../stb/categories";
import { readCredentials } from "./credentials";
import type { Lang, Messages } from "./messages";
import { EXIT, UsageError, fileText, parse, port } from "./usage";

const DEFAULT_STATE_DIR = "./data/sim";

const options = {
  credentials: { type: "string" },
  url: { type: "string" },
  ca: { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  categories: { type: "string" },
  "state-dir": { type: "string" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function readCategories(file: string): StbCategory[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --categories ${file}: ${(err as Error).message}`);
  }
  const parsed = stbCategoriesSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--categories ${file}: ${issue?.path.join(".") || "file"}: ${issue?.message}`);
  }
  return parsed.data;
}

/** `lang`: the --lang given on the line, if any (the TV defaults to Chinese, the messages to English). */
export async function runStb(argv: string[], m: Messages, lang?: Lang): Promise<number> {
  const v = parse(argv, options);
  if (v.help) {
    process.stdout.write(`${m.stbHelp}\n`);
    return EXIT.ok;
  }
  if (!v.credentials) throw new UsageError("--credentials FILE is required (the JSON POST /api/devices returned for an stb device)");
  const creds = readCredentials(v.credentials);
  if (!deviceIdSchema.safeParse(creds.id).success) throw new UsageError(`--credentials: "${creds.id}" is not a device id`);
  const url = v.url ?? creds.mqtt.url;
  if (!URL.canParse(url) || !/^(mqtt|mqtts|ws|wss):$/.test(new URL(url).protocol)) throw new UsageError(`--url "${url}" must be mqtt://, mqtts://, ws:// or wss://`);
  const ca = fileText(v.ca, "--ca");
  const logger = pino({ level: v.verbose ? "debug" : "warn" }, pino.destination({ dest: 2, sync: true }));
  let box: SetTopBox;
  try {
    box = await createSetTopBox({
      url, id: creds.id, secret: creds.secret, ...(ca ? { ca } : {}), stateDir: v["state-dir"] ?? DEFAULT_STATE_DIR, logger,
      reconnectBaseMs: 500, reconnectJitterMs: 250,
      lang: lang ?? "zh-CN", host: v.host ?? "127.0.0.1", port: port(v.port, 0),
      ...(v.categories ? { categories: readCategories(v.categories) } : {}),
    });
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (!(err instanceof DeviceStateError) && (err as NodeJS.ErrnoException).code === undefined) throw err;
    process.stderr.write(`${m.cannotRun((err as Error).message)}\n`);
    return EXIT.refused;
  }
  let refused = false;
  const stopped = new Promise<void>((resolve) => {
    box.device.once("refused", () => {
      process.stderr.write(`${m.refused}\n`);
      refused = true;
      resolve();
    });
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  process.stdout.write(`${m.stbReady(box.device.id, box.url)}\n`);
  await stopped;
  await box.close();
  return refused ? EXIT.refused : EXIT.ok;
}
