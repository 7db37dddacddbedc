// Small builders for this package's unit tests: a campaign, an ad, a request, a candidate,
// each a valid schema record with only what a test changes spelled out. Not exported.
import type { Ad, BidRequest, Campaign, Imp, UserProfile } from '@adtrace/schemas';
import { exampleBidRequest, exampleCampaign } from '@adtrace/schemas/testing';
import { buildAdIndex } from './ad-index.ts';
import type { Candidate } from './candidates.ts';
import { interestVector } from './embedding.ts';
import type { ScoredBid } from './policy.ts';

export const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

export function ad(id: string, over: Partial<Ad> = {}, creative: Partial<Ad['creative']> = {}): Ad {
  const base = exampleCampaign.ads[0]!;
  return {
    ...base,
    id,
    bidType: 'CPM',
    bidMicros: 2_000_000,
    embedding: interestVector('IAB20'),
    ...over,
    creative: { ...base.creative, id: `cr-${id}`, ...creative },
  };
}

export function campaign(id: string, ads: Ad[], over: Partial<Campaign> = {}): Campaign {
  return {
    ...exampleCampaign,
    id,
    advertiserId: `adv-${id}`,
    startMs: null,
    endMs: null,
    targeting: { ...noTargeting, ...over.targeting },
    frequencyCaps: [],
    ...over,
    ads,
    ...(over.targeting && { targeting: { ...noTargeting, ...over.targeting } }),
  };
}

export const noTargeting: Campaign['targeting'] = {
  countries: [],
  geoRegions: [],
  deviceTypes: [],
  os: [],
  segments: [],
  excludedSegments: [],
  ageBrackets: [],
  domains: [],
};

export const bannerImp: Imp = {
  id: '1',
  banner: { format: [{ w: 300, h: 250 }], pos: 1 },
  video: null,
  audio: null,
  native: null,
  bidfloorMicros: 0,
  bidfloorcur: 'USD',
  tagid: null,
};

export const videoImp: Imp = {
  ...bannerImp,
  id: 'v',
  banner: null,
  video: { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2], plcmt: 1 },
  audio: null,
  native: null,
};

export function request(over: Partial<BidRequest> = {}): BidRequest {
  return { ...exampleBidRequest, receivedAtMs: NOW, bcat: [], badv: [], imp: [bannerImp], ...over };
}

export const profile: UserProfile = {
  segments: ['seg-high-intent-travel'],
  interests: ['IAB20'],
  ageBracket: 'AGE_25_34',
  geoRegion: 'GBR-LND',
  embedding: interestVector('IAB20'),
  cacheHit: false,
};

/** A candidate for an ad of a one-campaign index. */
export function candidate(c: Campaign, adIndex = 0, similarity = 0.5): Candidate {
  const index = buildAdIndex([c]);
  return { entry: index.ads[adIndex]!, similarity, segmentMatched: false };
}

/** A scored bid with a chosen pCTR; eCPM as the auction computes it. */
export function bid(c: Campaign, pctr: number, adIndex = 0): ScoredBid {
  const cand = candidate(c, adIndex);
  const { ad: a } = cand.entry;
  return {
    candidate: cand,
    pctr,
    ecpmMicros: a.bidType === 'CPM' ? a.bidMicros : Math.round(a.bidMicros * pctr * 1000),
  };
}
