/**
 * The device credentials file: the JSON that POST /api/devices returned, or the array of them that
 * `pnpm hk devices provision --out` writes (then `device` picks one; the first without it).
 */
import { readFileSync } from "node:fs";
import { credentialsFileSchema, type CreatedDevice } from "@helpkey/shared";
import { UsageError } from "./usage";

export function readCredentials(file: string, device?: string): CreatedDevice {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`cannot read --credentials ${file}: ${(err as Error).message}`);
  }
  const parsed = credentialsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`--credentials ${file} is not {id, secret, mqtt: {url}} as returned by POST /api/devices, nor an array of them as pnpm hk devices provision writes (${issue?.path.join(".") || "file"}: ${issue?.message})`);
  }
  const all = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
  if (device === undefined) return all[0]!;
  const found = all.find((d) => d.id === device);
  if (!found) throw new UsageError(`--device ${device} is not in --credentials ${file} (${all.length} device(s), e.g. ${all[0]!.id})`);
  return found;
}
