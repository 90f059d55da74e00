/**
 * The hk CLI's settings from its environment, read once here: which gateway (HK_URL, else the
 * address the gateway itself listens on by default: HK_HOST and HK_HTTP_PORT, 127.0.0.1:8080) and
 * the admin token (HK_ADMIN_TOKEN). Flags (--url, --token) win over these.
 */
import { z } from "zod";
import { UsageError } from "./cli-kit";

const envSchema = z.object({
  HK_URL: z.url().optional(),
  HK_ADMIN_TOKEN: z.string().min(1).optional(),
  HK_HOST: z.string().min(1).default("127.0.0.1"),
  HK_HTTP_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  HK_DATA_DIR: z.string().min(1).default("./data"),
});

export interface CliEnv {
  url: string;
  token: string | undefined;
  /** Which variable the URL came from (named in "cannot reach" messages). */
  urlFrom: "HK_URL" | "default";
  /** The gateway's data directory, as the gateway reads it (backup and restore work on its database). */
  dataDir: string;
}

export function cliEnv(env: NodeJS.ProcessEnv = process.env): Readonly<CliEnv> {
  const r = envSchema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new UsageError(`${i.path.join(".")}: ${i.message}`);
  }
  const e = r.data;
  return Object.freeze({
    url: e.HK_URL ?? `http://${e.HK_HOST.includes(":") ? `[${e.HK_HOST}]` : e.HK_HOST}:${e.HK_HTTP_PORT}`,
    token: e.HK_ADMIN_TOKEN,
    urlFrom: e.HK_URL ? "HK_URL" : "default",
    dataDir: e.HK_DATA_DIR,
  });
}
