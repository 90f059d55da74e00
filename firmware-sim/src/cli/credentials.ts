/** The device credentials file: the JSON that POST /api/devices returned. */
import { readFileSync } from "node:fs";
import { createdDeviceSchema, type CreatedDevice } from "@helpkey/shared";
import { UsageError } from "./usage";

export function readCredentials(file: string): CreatedDevice {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --credentials ${file}: ${(err as Error).message}`);
  }
  const parsed = createdDeviceSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--credentials ${file} is not {id, secret, mqtt: {url}} as returned by POST /api/devices (${issue?.path.join(".") || "file"}: ${issue?.message})`);
  }
  return parsed.data;
}
