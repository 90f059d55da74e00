/**
 * The resident card of the alert page: who lives there and what a responder must know (medical,
 * mobility), whom to phone (the resident, every contact, who holds a key), the patrol on duty and
 * the community centre. The door code is never part of it: the card says only whether there is one,
 * and the code comes from the audited reveal (door-code.ts).
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Address, Language } from "@helpkey/shared";
import type { Db } from "../db/open";
import { communities, contacts, householdAccess, patrolMembers, residents } from "../db/schema";
import type { HouseholdInfo } from "../store/household-info";

export interface ResidentCard {
  householdId: number;
  communityId: number;
  address: Address;
  notes: string | null;
  residents: { id: number; name: string; language: Language; phone: string | null; medical: string | null; mobility: string | null; notes: string | null }[];
  contacts: { id: number; name: string; relation: string; phone: string; priority: number; language: Language; hasKey: boolean }[];
  hasDoorCode: boolean;
  centre: { name: string; phone: string | null };
  patrol: { id: number; name: string; phone: string; language: Language }[];
}

export function residentCard(db: Db, info: HouseholdInfo): ResidentCard {
  const id = info.householdId;
  const people = db.select().from(residents).where(eq(residents.householdId, id)).orderBy(asc(residents.id)).all();
  const cs = db.select().from(contacts).where(eq(contacts.householdId, id)).orderBy(asc(contacts.priority), asc(contacts.id)).all();
  const community = db.select({ name: communities.name, phone: communities.phone }).from(communities).where(eq(communities.id, info.communityId)).get();
  const patrol = db.select().from(patrolMembers).where(and(eq(patrolMembers.communityId, info.communityId), isNull(patrolMembers.retiredAt))).orderBy(asc(patrolMembers.name)).all();
  const access = db.select({ householdId: householdAccess.householdId }).from(householdAccess).where(eq(householdAccess.householdId, id)).get();
  return {
    householdId: id, communityId: info.communityId, address: info.address, notes: info.notes,
    residents: people.map((p) => ({ id: p.id, name: p.name, language: p.language, phone: p.phone, medical: p.medical, mobility: p.mobility, notes: p.notes })),
    contacts: cs.map((c) => ({ id: c.id, name: c.name, relation: c.relation, phone: c.phone, priority: c.priority, language: c.language, hasKey: c.hasKey })),
    hasDoorCode: access !== undefined,
    centre: { name: community?.name ?? info.address.community, phone: community?.phone ?? null },
    patrol: patrol.map((m) => ({ id: m.id, name: m.name, phone: m.phone, language: m.language })),
  };
}
