/**
 * The device credentials file: `pnpm hk devices provision --out FILE` writes an array of these (mode
 * 0600: the secrets are in clear), `pnpm sim press --credentials FILE` reads it, or the single object
 * POST /api/devices returned.
 */
import { z } from "zod";
import { createdDeviceSchema } from "./http";
import { idSchema } from "./ids";

export const provisionedDeviceSchema = createdDeviceSchema.extend({ householdId: idSchema });
export type ProvisionedDevice = z.infer<typeof provisionedDeviceSchema>;

export const credentialsFileSchema = z.union([z.array(provisionedDeviceSchema).min(1, "the file lists no device"), createdDeviceSchema]);
