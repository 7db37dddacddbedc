import { buildUserProfile } from '@adtrace/ads';
import type { BidRequest, UserSegments } from '@adtrace/schemas';
import { exampleBidRequest, exampleUserSegments } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { createProfiler } from './profile-cache.ts';

const user: UserSegments = { ...exampleUserSegments, userKey: exampleBidRequest.userKey };
const request = (over: Partial<BidRequest> = {}): BidRequest => ({ ...exampleBidRequest, ...over });
/** A segments table the test can change, as the global table does: a new record replaces the old one. */
const tableOf = (...records: UserSegments[]) => new Map(records.map((r) => [r.userKey, r]));
const inRegion = (region: string): BidRequest => {
  const device = exampleBidRequest.device!;
  return request({ device: { ...device, geo: { ...device.geo!, country: 'USA', region } } });
};

describe('profile cache', () => {
  it('builds a known user once, then serves the same profile flagged as a cache hit', () => {
    const profileOf = createProfiler(10);
    const table = tableOf(user);
    const first = profileOf(request(), table);
    const second = profileOf(request(), table);
    expect(first.profile).toEqual(buildUserProfile(request(), (k) => table.get(k)).profile);
    expect(first.attributes['profile.cache_hit']).toBe(false);
    expect(second.profile).toEqual({ ...first.profile, cacheHit: true });
    expect(second.attributes).toEqual({ ...first.attributes, 'profile.cache_hit': true });
    expect(second.attributes['profile.segments_count']).toBe(user.segments.length);
  });

  it('is never staler than the table: a new record or a tombstone builds afresh', () => {
    const profileOf = createProfiler(10);
    const table = tableOf(user);
    profileOf(request(), table);
    table.set(user.userKey, { ...user, segments: ['seg-new'], builderVersion: user.builderVersion + 1 });
    const updated = profileOf(request(), table);
    expect(updated.profile).toMatchObject({ segments: ['seg-new'], cacheHit: false });
    table.delete(user.userKey);
    const gone = profileOf(request(), table);
    expect(gone.profile).toMatchObject({ segments: [], interests: [], embedding: [], cacheHit: false });
  });

  it('takes the region from each request, not from the cached one', () => {
    const profileOf = createProfiler(10);
    const table = tableOf(user);
    profileOf(inRegion('CA'), table);
    const other = profileOf(inRegion('NY'), table);
    expect(other.profile).toMatchObject({ geoRegion: 'USA-NY', cacheHit: false });
    expect(other.attributes['profile.geo_region']).toBe('USA-NY');
  });

  it('reads nothing for an anonymous (contextual-only) request, even when its key is in the table', () => {
    const profileOf = createProfiler(10);
    const anonKey = `anon_${exampleBidRequest.eventId}`;
    const table = tableOf({ ...user, userKey: anonKey });
    for (const built of [
      profileOf(request({ userKey: anonKey }), table),
      profileOf(request({ userKey: anonKey }), table),
    ]) {
      expect(built.profile).toMatchObject({
        segments: [],
        interests: [],
        ageBracket: 'UNKNOWN',
        embedding: [],
        cacheHit: false,
      });
      expect(built.attributes['profile.personalized']).toBe(false);
      expect(built.profile.geoRegion).toBe('GBR-LND'); // contextual: the request's own region still counts
    }
  });

  it('keeps at most its capacity, dropping the least recently used; 0 caches nothing', () => {
    const profileOf = createProfiler(2);
    const keys = ['u1_a', 'u1_b', 'u1_c'];
    const table = tableOf(...keys.map((userKey) => ({ ...user, userKey })));
    const hit = (userKey: string) => profileOf(request({ userKey }), table).profile.cacheHit;
    expect(keys.map(hit)).toEqual([false, false, false]); // a, then b, then c evicts a
    expect([hit('u1_b'), hit('u1_c'), hit('u1_a')]).toEqual([true, true, false]);
    const none = createProfiler(0);
    none(request(), table);
    expect(none(request(), table).profile.cacheHit).toBe(false);
  });

  it('does not keep unknown users', () => {
    const profileOf = createProfiler(10);
    const empty = tableOf();
    profileOf(request(), empty);
    expect(profileOf(request(), empty).profile.cacheHit).toBe(false);
  });
});
