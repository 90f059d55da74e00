/**
 * The green key's menu on each set-top box: the community's service categories, sent as
 * `cmd config {categories}` when a box comes online and when the community changes its list, so a
 * resident never picks a category the centre does not offer.
 */
import { and, eq } from "drizzle-orm";
import type { CmdPayload, ServiceCategory } from "@helpkey/shared";
import type { AlertContext } from "../alerts/context";
import { emptyEffects, type Effects } from "../alerts/effects";
import { buildings, devices, households, units } from "../db/schema";

export function menuCmd(categories: readonly ServiceCategory[]): CmdPayload {
  return { type: "config", categories: categories.slice(0, 12).map((c) => ({ key: c.key, nameZh: c.nameZh, nameEn: c.nameEn })) };
}

/** A `cmd config` for every set-top box of the community that is online now. */
export function menuToCommunity(ctx: AlertContext, communityId: number, categories: readonly ServiceCategory[]): Effects {
  const fx = emptyEffects();
  const cmd = menuCmd(categories);
  const boxes = ctx.db.select({ id: devices.id }).from(devices)
    .innerJoin(households, eq(households.id, devices.householdId))
    .innerJoin(units, eq(units.id, households.unitId))
    .innerJoin(buildings, eq(buildings.id, units.buildingId))
    .where(and(eq(devices.type, "stb"), eq(devices.online, true), eq(buildings.communityId, communityId)))
    .all();
  for (const b of boxes) fx.cmds.push({ deviceId: b.id, cmd });
  return fx;
}
