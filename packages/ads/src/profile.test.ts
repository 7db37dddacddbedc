import type { UserSegments } from '@adtrace/schemas';
import { exampleUserSegments } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { dot, EMBEDDING_DIM } from './embedding.ts';
import { buildUserProfile, geoRegion } from './profile.ts';
import { request } from './test-fixtures.ts';

const user: UserSegments = { ...exampleUserSegments, userKey: request().userKey };
const lookup = (key: string) => (key === user.userKey ? user : undefined);

describe('ads.build_user_profile', () => {
  it('a known user: segments, interests, age bracket, region, a unit embedding, span attributes', () => {
    const { profile, attributes } = buildUserProfile(request(), lookup);
    expect(profile.segments).toEqual(user.segments);
    expect(profile.interests).toEqual(user.interests);
    expect(profile.ageBracket).toBe('AGE_25_34');
    expect(profile.geoRegion).toBe('GBR-LND');
    expect(profile.embedding).toHaveLength(EMBEDDING_DIM);
    expect(dot(profile.embedding, profile.embedding)).toBeCloseTo(1, 6);
    expect(attributes).toEqual({
      'profile.segments_count': 3,
      'profile.interests_count': 2,
      'profile.age_bracket': 'AGE_25_34',
      'profile.geo_region': 'GBR-LND',
      'profile.cache_hit': false,
      'profile.personalized': true,
    });
  });

  it('an embedding of the wrong size is rebuilt from the interests', () => {
    const { profile } = buildUserProfile(request(), () => ({ ...user, embedding: [1, 2, 3] }));
    expect(profile.embedding).toHaveLength(EMBEDDING_DIM);
  });

  it('an unknown user or a contextual-only request: no user data, an empty embedding', () => {
    for (const built of [
      buildUserProfile(request(), () => undefined),
      buildUserProfile(request(), lookup, { personalized: false }),
    ]) {
      expect(built.profile).toMatchObject({ segments: [], interests: [], ageBracket: 'UNKNOWN', embedding: [] });
      expect(built.profile.geoRegion).toBe('GBR-LND'); // from the request, not the user
    }
  });

  it('regions in either ISO-3166-2 form; none without a country', () => {
    const geo = { lat: null, lon: null, city: null, zip: null, metro: null };
    expect(geoRegion({ ...geo, country: 'USA', region: 'CA' })).toBe('USA-CA');
    expect(geoRegion({ ...geo, country: 'usa', region: 'US-CA' })).toBe('USA-CA');
    expect(geoRegion({ ...geo, country: null, region: 'CA' })).toBeNull();
    expect(geoRegion({ ...geo, country: 'USA', region: null })).toBeNull();
  });
});
