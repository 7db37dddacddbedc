// profiling's ads.build_user_profile: what the auction may know about the user of a request.
// Pure: the caller looks the user up (segments global table) and decides whether the request
// may be personalized at all (consent, COPPA, anonymous requests carry no profile).
import type { BidRequest, Geo, UserProfile, UserSegments } from '@adtrace/schemas';
import { EMBEDDING_DIM, embedInterests, normalize } from './embedding.ts';

export type SegmentsLookup = (userKey: string) => UserSegments | undefined;

export interface ProfileOptions {
  /** False for a contextual-only request (no consent, COPPA, anonymous): no user data is read. */
  readonly personalized?: boolean;
  /** Whether the caller served the profile from its cache; only reported. */
  readonly cacheHit?: boolean;
}

/** Attributes of the ads.build_user_profile span. */
export interface ProfileAttributes {
  readonly 'profile.segments_count': number;
  readonly 'profile.interests_count': number;
  readonly 'profile.age_bracket': string;
  readonly 'profile.geo_region': string;
  readonly 'profile.cache_hit': boolean;
  readonly 'profile.personalized': boolean;
}

export interface BuiltProfile {
  readonly profile: UserProfile;
  readonly attributes: ProfileAttributes;
}

export function buildUserProfile(
  request: BidRequest,
  lookup: SegmentsLookup,
  options: ProfileOptions = {},
): BuiltProfile {
  const personalized = options.personalized ?? true;
  const user = personalized ? lookup(request.userKey) : undefined;
  const interests = user ? [...new Set(user.interests)] : [];
  const profile: UserProfile = {
    segments: user ? [...new Set(user.segments)] : [],
    interests,
    ageBracket: user?.ageBracket ?? 'UNKNOWN',
    geoRegion: geoRegion(request.device?.geo ?? null),
    embedding: user ? userEmbedding(user, interests) : [],
    cacheHit: options.cacheHit ?? false,
  };
  return { profile, attributes: profileAttributes(profile, personalized) };
}

export function profileAttributes(profile: UserProfile, personalized = true): ProfileAttributes {
  return {
    'profile.segments_count': profile.segments.length,
    'profile.interests_count': profile.interests.length,
    'profile.age_bracket': profile.ageBracket,
    'profile.geo_region': profile.geoRegion ?? 'unknown',
    'profile.cache_hit': profile.cacheHit,
    'profile.personalized': personalized,
  };
}

/**
 * Country-region as targeting names it (USA-CA, GBR-LND). OpenRTB's region is ISO-3166-2,
 * sometimes with its country prefix (GB-LND), sometimes without (CA for a US state): the
 * subdivision part is what both forms share. No country → no region.
 */
export function geoRegion(geo: Geo | null): string | null {
  const country = geo?.country?.trim().toUpperCase();
  if (!country) return null;
  const region = geo?.region?.trim().toUpperCase();
  if (!region) return null;
  const subdivision = region.includes('-') ? region.slice(region.indexOf('-') + 1) : region;
  return subdivision ? `${country}-${subdivision}` : null;
}

// The segment builder's embedding when it has the right dimension, else one from the interests.
function userEmbedding(user: UserSegments, interests: readonly string[]): number[] {
  if (user.embedding.length === EMBEDDING_DIM) return normalize(user.embedding);
  return embedInterests(interests);
}
