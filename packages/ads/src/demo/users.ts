// Demo users: who the load's requests come from, with the segment memberships that
// `adtrace segments publish` sends until the segment builder computes them. Users are named
// by a raw demo user id; ingest turns it into the user key (keyed HMAC), so the records here
// leave userKey for the publisher to fill in.
import type { AgeBracket, UserSegments } from '@adtrace/schemas';
import { embedInterests, normalize, quantizeEmbedding } from '../embedding.ts';
import { gaussian, pick, seededRandom, subSeed } from '../random.ts';
import { DEMO_PUBLISHED_MS, DEMO_SEED } from './catalog.ts';
import { DEMO_GEOS, DEMO_INTERESTS, DEMO_SEGMENTS, weighted } from './taxonomy.ts';

export interface DemoUser {
  /** The OpenRTB user.id the load sends for this user. */
  readonly userId: string;
  readonly country: string;
  /** ISO-3166-2 region as OpenRTB sends it. */
  readonly region: string;
  /** The user's segments record without its user key (which needs ingest's secret). */
  readonly segments: Omit<UserSegments, 'userKey'>;
}

export const DEMO_USER_COUNT = 1_000;

const AGES: readonly (readonly [AgeBracket, number])[] = [
  ['UNKNOWN', 2],
  ['AGE_13_17', 1],
  ['AGE_18_24', 3],
  ['AGE_25_34', 4],
  ['AGE_35_44', 3],
  ['AGE_45_54', 2],
  ['AGE_55_64', 1],
  ['AGE_65_PLUS', 1],
];

export function generateDemoUsers(count = DEMO_USER_COUNT, seed = DEMO_SEED): DemoUser[] {
  return Array.from({ length: count }, (_, i) => {
    const random = seededRandom(subSeed(seed, `user-${i}`));
    const geo = weighted(random, DEMO_GEOS, (g) => g.weight);
    const interests = [
      ...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(random, DEMO_INTERESTS))),
    ];
    const ageBracket = weighted(random, AGES, (a) => a[1])[0];
    const segments = Object.entries(DEMO_SEGMENTS)
      .filter(([, related]) => related.some((r) => interests.includes(r)) && random() < 0.75)
      .map(([segment]) => segment);
    // Interests are what the builder saw; the embedding drifts a little from them, as a learned one would.
    const embedding = quantizeEmbedding(normalize(embedInterests(interests).map((x) => x + 0.08 * gaussian(random))));
    return {
      userId: `demo-user-${String(i + 1).padStart(5, '0')}`,
      country: geo.country,
      region: pick(random, geo.regions),
      segments: { segments, interests, ageBracket, embedding, builderVersion: 1, updatedAtMs: DEMO_PUBLISHED_MS },
    };
  });
}
