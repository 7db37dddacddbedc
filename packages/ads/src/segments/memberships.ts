// The segment builder's pure steps after the warehouse answered: attribute criteria on the
// users' current records, the diff of each segment against its previous members, and the
// UserSegments to publish — only for users whose memberships changed, every other field of
// their record kept as it was (interests, age bracket, embedding: other sources set them).
import type { UserSegments } from '@adtrace/schemas';
import type { AttributeCriterion } from './definitions.ts';

/** Above this change (added + removed, in % of the previous size) a build reports `large_segment_change`. */
export const LARGE_SEGMENT_CHANGE_PCT = 20;

export interface SegmentDiff {
  readonly usersAdded: number;
  readonly usersRemoved: number;
  /** (added + removed) / previous size × 100; 100 for a segment that had no members and has some now. */
  readonly changePct: number;
  readonly large: boolean;
}

export function diffMembers(previous: ReadonlySet<string>, next: ReadonlySet<string>): SegmentDiff {
  let usersAdded = 0;
  let usersRemoved = 0;
  for (const u of next) if (!previous.has(u)) usersAdded++;
  for (const u of previous) if (!next.has(u)) usersRemoved++;
  const changed = usersAdded + usersRemoved;
  const changePct = previous.size === 0 ? (changed === 0 ? 0 : 100) : (changed / previous.size) * 100;
  return { usersAdded, usersRemoved, changePct, large: changePct > LARGE_SEGMENT_CHANGE_PCT };
}

/** Each segment's members as the users' current records say (the previous build's outcome). */
export function membersBySegment(
  users: Iterable<UserSegments>,
  segmentIds: readonly string[],
): Map<string, Set<string>> {
  const out = new Map(segmentIds.map((id) => [id, new Set<string>()]));
  for (const user of users) for (const s of user.segments) out.get(s)?.add(user.userKey);
  return out;
}

/** Whether a user's record meets every attribute criterion (no record: unknown age, no interests). */
export function meetsAttributes(user: UserSegments | undefined, criteria: readonly AttributeCriterion[]): boolean {
  return criteria.every((c) => {
    if (c.type === 'age_bracket') return c.in.includes(user?.ageBracket ?? 'UNKNOWN');
    return c.any.some((i) => user?.interests.includes(i) ?? false);
  });
}

/** The next build's version: one above the highest any record carries (profiling ignores older versions). */
export function nextBuilderVersion(users: Iterable<UserSegments>): number {
  let highest = 0;
  for (const u of users) highest = Math.max(highest, u.builderVersion);
  return highest + 1;
}

export interface MembershipUpdate {
  /** The users' records now, by user key. */
  readonly current: ReadonlyMap<string, UserSegments>;
  /** Each built segment's members, in the definitions' order. */
  readonly built: ReadonlyMap<string, ReadonlySet<string>>;
  readonly builderVersion: number;
  readonly nowMs: number;
}

/**
 * One record per user whose memberships of the built segments changed: the segments the build
 * does not define are kept (another build or `segments publish` set them), those it defines are
 * replaced by what it computed; every other field is the current record's (a new user gets the
 * schema's defaults: no interests, UNKNOWN age, no embedding).
 */
export function membershipRecords(update: MembershipUpdate): UserSegments[] {
  const builtIds = new Set(update.built.keys());
  const users = new Set<string>();
  for (const members of update.built.values()) for (const u of members) users.add(u);
  for (const [key, record] of update.current) if (record.segments.some((s) => builtIds.has(s))) users.add(key);
  const out: UserSegments[] = [];
  for (const userKey of [...users].sort()) {
    const current = update.current.get(userKey);
    const kept = (current?.segments ?? []).filter((s) => !builtIds.has(s));
    const joined = [...update.built].filter(([, members]) => members.has(userKey)).map(([id]) => id);
    const segments = [...new Set([...kept, ...joined])];
    if (current && sameSet(current.segments, segments)) continue;
    out.push({
      userKey,
      interests: current?.interests ?? [],
      ageBracket: current?.ageBracket ?? 'UNKNOWN',
      embedding: current?.embedding ?? [],
      segments,
      builderVersion: update.builderVersion,
      updatedAtMs: update.nowMs,
    });
  }
  return out;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}
