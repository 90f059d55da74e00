/**
 * Which communities a user sees: one rule for the HTTP routes and the console's live frames.
 * Whether a caller scoped to `communityIds` (null: every community) sees `communityId`; a console keeps a Set.
 */
export function canSee(p: { communityIds: readonly number[] | ReadonlySet<number> | null }, communityId: number): boolean {
  const ids = p.communityIds;
  if (ids === null) return true;
  return "has" in ids ? ids.has(communityId) : ids.includes(communityId);
}
