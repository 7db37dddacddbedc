import type { AgeBracket, Campaign } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from './ad-index.ts';
import { prepareRequestTargeting, selectCandidates } from './candidates.ts';
import { generateDemoCatalog } from './demo/catalog.ts';
import { DEMO_GEOS, DEMO_OS_BY_DEVICE, DEMO_PLACEMENTS, DEMO_SEGMENTS } from './demo/taxonomy.ts';
import { EMBEDDING_DIM, embedInterests, normalize } from './embedding.ts';
import { pick, seededRandom } from './random.ts';
import { creativeFormatKey, impFormatKeys, matchCampaign, type TargetingContext } from './targeting.ts';
import { buildTargetingIndex, matchCampaigns } from './targeting-index.ts';
import { bannerImp, NOW, profile, request, videoImp } from './test-fixtures.ts';

const HOUR = 3_600_000;
const AGES: AgeBracket[] = ['AGE_18_24', 'AGE_25_34', 'AGE_35_44', 'AGE_45_54', 'UNKNOWN'];

/** The demo catalog, with what it lacks added to some campaigns: flights, inactive, subdomains, OS case. */
function catalog(): Campaign[] {
  return generateDemoCatalog().map((c, i) => {
    const t = c.targeting;
    if (i % 11 === 0) return { ...c, startMs: NOW - HOUR, endMs: NOW + HOUR };
    if (i % 13 === 0) return { ...c, startMs: NOW + HOUR, endMs: null };
    if (i % 17 === 0) return { ...c, active: false };
    if (i % 7 === 0) return { ...c, targeting: { ...t, domains: ['Example.com', 'news.example.com', 'sub.'] } };
    if (i % 5 === 0) return { ...c, targeting: { ...t, os: ['IOS'], excludedSegments: ['seg-parents'] } };
    return c;
  });
}

function randomContext(random: () => number): TargetingContext {
  const geo = random() < 0.1 ? null : pick(random, DEMO_GEOS);
  const deviceType = random() < 0.1 ? null : pick(random, [1, 2, 3, 4, 5, 7]);
  const oses = DEMO_OS_BY_DEVICE[deviceType ?? 4] ?? ['ios'];
  const placement = pick(random, DEMO_PLACEMENTS).placement;
  return {
    country: geo?.country ?? null,
    geoRegion: geo && random() < 0.8 ? pick(random, geo.regions) : null,
    deviceType,
    os: random() < 0.1 ? null : pick(random, oses).toLowerCase(),
    segments: new Set(Object.keys(DEMO_SEGMENTS).filter(() => random() < 0.3)),
    ageBracket: pick(random, AGES),
    placements: pick(random, [
      [placement],
      [`m.${placement}`, 'example.com'],
      ['news.example.com'],
      ['a.sub.'],
      ['example.com.evil'],
      [],
    ]),
  };
}

describe('targeting index', () => {
  it('matches exactly the campaigns matchCampaign matches, segment matches included, at any time', () => {
    const campaigns = catalog();
    const index = buildTargetingIndex(campaigns);
    const random = seededRandom(7);
    const out = new Uint8Array(campaigns.length);
    let matched = 0;
    let bySegment = 0;
    for (let i = 0; i < 3_000; i++) {
      const ctx = randomContext(random);
      const nowMs = NOW + pick(random, [-2 * HOUR, 0, 2 * HOUR]);
      matchCampaigns(index, ctx, nowMs, out);
      const expected = campaigns.map((c) => {
        const m = matchCampaign(c, ctx, nowMs);
        return m.matched ? (m.segmentMatched ? 2 : 1) : 0;
      });
      expect(Array.from(out)).toEqual(expected);
      matched += expected.filter((m) => m > 0).length;
      bySegment += expected.filter((m) => m === 2).length;
    }
    // The comparison means something: many matches, some through segments, far from all.
    expect(matched).toBeGreaterThan(3_000 * 10);
    expect(matched).toBeLessThan(3_000 * campaigns.length * 0.9);
    expect(bySegment).toBeGreaterThan(1_000);
  });

  it('gives the candidates of a brute-force scan of every ad on the demo catalog', () => {
    const campaigns = catalog();
    const index = buildAdIndex(campaigns);
    const random = seededRandom(11);
    for (let i = 0; i < 300; i++) {
      const country = pick(random, DEMO_GEOS).country;
      const base = request();
      const personal = random() < 0.8;
      const p = {
        ...profile,
        segments: Object.keys(DEMO_SEGMENTS).filter(() => random() < 0.3),
        embedding: personal ? embedInterests([pick(random, ['IAB20', 'IAB2', 'IAB8-5', 'IAB19'])]) : [],
      };
      const req = request({
        eventId: `ev-${i}`,
        device: { ...base.device!, geo: { ...base.device!.geo!, country } },
        site: { ...base.site!, domain: pick(random, DEMO_PLACEMENTS).placement, cat: ['IAB20'] },
      });
      const targeting = prepareRequestTargeting(index, req, p, NOW);
      for (const imp of [bannerImp, videoImp]) {
        const got = selectCandidates(index, imp, targeting, 32).candidates;
        const keys = new Set(impFormatKeys(imp));
        const query = targeting.query!;
        const expected = index.ads
          .filter((e) => keys.has(creativeFormatKey(e.ad.creative)))
          .filter((e) => matchCampaign(e.campaign, targeting.context, NOW).matched)
          .map((e) => ({ slot: e.slot, s: dot32f(query, normalize(e.ad.embedding)) }))
          .sort((a, b) => b.s - a.s || a.slot - b.slot)
          .slice(0, 32);
        expect(got.map((c) => c.entry.slot)).toEqual(expected.map((e) => e.slot));
        for (const c of got) {
          expect(c.segmentMatched).toBe(matchCampaign(c.entry.campaign, targeting.context, NOW).segmentMatched);
        }
      }
    }
  });
});

/** The scan's similarity: float32 vectors, summed as its loop does (four lanes). */
function dot32f(q: Float32Array, v: readonly number[]): number {
  const f = Float32Array.from(v);
  const lanes = [0, 0, 0, 0];
  for (let d = 0; d < EMBEDDING_DIM; d++) lanes[d % 4]! += q[d]! * f[d]!;
  return lanes[0]! + lanes[1]! + lanes[2]! + lanes[3]!;
}
