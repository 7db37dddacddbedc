import { type BuiltProfile, buildUserProfile, geoRegion, isAnonymousUserKey } from '@adtrace/ads';
import type { BidRequest, UserSegments } from '@adtrace/schemas';

/** The segments global table as profiling reads it: user key → the user's latest record. */
export interface SegmentsTable {
  get(userKey: string): UserSegments | undefined;
}

export type Profiler = (request: BidRequest, segments: SegmentsTable) => BuiltProfile;

interface Entry {
  /** The table's record the profile was built from: the table replaces it, never mutates it. */
  readonly source: UserSegments;
  readonly region: string | null;
  readonly built: BuiltProfile;
}

/**
 * ads.build_user_profile with a cache of built profiles by user key (at most `capacity`, least
 * recently used dropped first). An entry serves while the segments table still holds the very
 * record it was built from and the request is in the same region; a new record for the user,
 * a tombstone or another region builds afresh, so the cache is never staler than the table.
 * The input is keyed by user key, so a user's requests meet in one partition and one instance.
 *
 * A request ingest marked anonymous (`anon_<event id>`: no id, no consent, COPPA) is contextual
 * only: the table is not read and nothing is cached.
 */
export function createProfiler(capacity: number): Profiler {
  const cache = new Map<string, Entry>();
  return (request, segments) => {
    if (isAnonymousUserKey(request.userKey)) {
      return buildUserProfile(request, () => undefined, { personalized: false });
    }
    const source = segments.get(request.userKey);
    const region = geoRegion(request.device?.geo ?? null);
    const entry = cache.get(request.userKey);
    if (entry && entry.source === source && entry.region === region) {
      cache.delete(request.userKey); // re-inserted: the Map's order is recency
      cache.set(request.userKey, entry);
      const { profile, attributes } = entry.built;
      return { profile: { ...profile, cacheHit: true }, attributes: { ...attributes, 'profile.cache_hit': true } };
    }
    const built = buildUserProfile(request, () => source);
    cache.delete(request.userKey);
    // Unknown users are not kept: their profile is empty and costs nothing to build.
    if (source && capacity > 0) {
      cache.set(request.userKey, { source, region, built });
      if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    }
    return built;
  };
}
