import type { Campaign, UserSegments } from '../generated/types.ts';
import { exampleBidRequest, exampleProfiledRequest } from './example-requests.ts';
import { exampleEmbedding, T0 } from './example-time.ts';

export const exampleCampaign: Campaign = {
  id: 'cmp-42',
  name: 'Summer travel UK',
  advertiserId: 'adv-7',
  active: true,
  startMs: T0 - 86_400_000,
  endMs: null,
  targeting: {
    countries: ['GBR'],
    geoRegions: [],
    deviceTypes: [1, 4, 5],
    os: [],
    segments: ['seg-high-intent-travel'],
    excludedSegments: [],
    ageBrackets: ['AGE_25_34', 'AGE_35_44'],
    domains: [],
  },
  frequencyCaps: [{ maxImpressions: 3, windowMs: 86_400_000 }],
  budget: { totalMicros: 50_000_000_000, dailyMicros: 2_000_000_000, currency: 'USD' },
  ads: [
    {
      id: 'ad-42-1',
      active: true,
      bidType: 'CPC',
      bidMicros: 800_000,
      embedding: exampleEmbedding(42),
      creative: {
        id: 'cr-42-1-300x250',
        format: 'BANNER',
        w: 300,
        h: 250,
        markup:
          '<a href="{CLICK_URL}"><img src="https://cdn.example/cr-42-1.png" width="300" height="250"></a><img src="{IMP_URL}" width="1" height="1">',
        clickUrl: 'https://travel.example/summer',
        adomain: ['travel.example'],
        cat: ['IAB20'],
      },
      policyFlags: [],
    },
  ],
  updatedAtMs: T0 - 3_600_000,
};

export const exampleUserSegments: UserSegments = {
  userKey: exampleBidRequest.userKey,
  segments: exampleProfiledRequest.profile.segments,
  interests: exampleProfiledRequest.profile.interests,
  ageBracket: 'AGE_25_34',
  embedding: exampleEmbedding(1),
  builderVersion: 17,
  updatedAtMs: T0 - 600_000,
};
