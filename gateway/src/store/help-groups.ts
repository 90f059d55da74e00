/** Help groups (楼栋单元组群) and their members: the places they are bound to, and who a household's helpers are. */
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { HelpGroupScope, Language } from "@helpkey/shared";
import type { Db } from "../db/open";
import { buildings, helpGroupMembers, helpGroups, units } from "../db/schema";
import { prepared } from "./prepared";

export type HelpGroupRow = typeof helpGroups.$inferSelect;
export type HelpGroupMemberRow = typeof helpGroupMembers.$inferSelect;

export interface HelperRow {
  id: number;
  groupId: number;
  scope: HelpGroupScope;
  name: string;
  phone: string;
  role: HelpGroupMemberRow["role"];
  priority: number;
  language: Language;
}

/**
 * The members of the groups bound to the household's unit and to its building, lowest priority
 * first, the unit's before the building's at the same priority. One prepared query: it runs once per
 * household each time the directory's cache is dropped, never per press.
 */
export function helpersOf(db: Db, at: { unitId: number; buildingId: number }): HelperRow[] {
  return prepared(db, "helpGroups.ofHousehold", () =>
    db.select({
      id: helpGroupMembers.id, groupId: helpGroupMembers.groupId, scope: helpGroups.scope, name: helpGroupMembers.name, phone: helpGroupMembers.phone,
      role: helpGroupMembers.role, priority: helpGroupMembers.priority, language: helpGroupMembers.language,
    })
      .from(helpGroupMembers)
      .innerJoin(helpGroups, eq(helpGroups.id, helpGroupMembers.groupId))
      .where(or(
        and(eq(helpGroups.scope, "unit"), eq(helpGroups.refId, sql.placeholder("u"))),
        and(eq(helpGroups.scope, "building"), eq(helpGroups.refId, sql.placeholder("b"))),
      ))
      .orderBy(asc(helpGroupMembers.priority), sql`${helpGroups.scope} = 'building'`, asc(helpGroupMembers.id))
      .prepare(),
  ).all({ u: at.unitId, b: at.buildingId });
}

/** The community of the building or unit a group names (undefined: no such place). */
export function communityOfPlace(db: Db, scope: HelpGroupScope, refId: number): number | undefined {
  if (scope === "building") return db.select({ c: buildings.communityId }).from(buildings).where(eq(buildings.id, refId)).get()?.c;
  return db.select({ c: buildings.communityId }).from(units).innerJoin(buildings, eq(buildings.id, units.buildingId)).where(eq(units.id, refId)).get()?.c;
}

export function getHelpGroup(db: Db, id: number): HelpGroupRow | undefined {
  return db.select().from(helpGroups).where(eq(helpGroups.id, id)).get();
}

export function getHelpGroupMember(db: Db, groupId: number, memberId: number): HelpGroupMemberRow | undefined {
  return db.select().from(helpGroupMembers).where(and(eq(helpGroupMembers.id, memberId), eq(helpGroupMembers.groupId, groupId))).get();
}

export function membersOf(db: Db, groupId: number): HelpGroupMemberRow[] {
  return db.select().from(helpGroupMembers).where(eq(helpGroupMembers.groupId, groupId)).orderBy(asc(helpGroupMembers.priority), asc(helpGroupMembers.id)).all();
}

export interface HelpGroupView extends HelpGroupRow {
  members: HelpGroupMemberRow[];
}

export function helpGroupView(db: Db, g: HelpGroupRow): HelpGroupView {
  return { ...g, members: membersOf(db, g.id) };
}
