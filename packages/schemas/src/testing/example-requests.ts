import type { AuctionOutcome, BidRequest, ProfiledRequest } from '../generated/types.ts';
import { exampleEmbedding, T0 } from './example-time.ts';

export const exampleBidRequest: BidRequest = {
  eventId: '01JWQ8Z6R4C8M5T2V9K3XH7N1D',
  receivedAtMs: T0,
  id: 'b7a1c0de-5f3e-4a9b-8c21-0e6f9d2a7b44',
  imp: [
    {
      id: '1',
      banner: {
        format: [
          { w: 300, h: 250 },
          { w: 320, h: 50 },
          { w: 728, h: 90 },
        ],
        pos: 1,
      },
      video: null,
      audio: null,
      native: null,
      bidfloorMicros: 1_250_000,
      bidfloorcur: 'USD',
      tagid: 'homepage-mrec-1',
    },
    {
      id: '2',
      banner: null,
      video: {
        mimes: ['video/mp4', 'video/webm'],
        minduration: 5,
        maxduration: 30,
        w: 640,
        h: 360,
        protocols: [2, 3, 5, 6],
        plcmt: 1,
      },
      audio: null,
      native: null,
      bidfloorMicros: 4_000_000,
      bidfloorcur: 'USD',
      tagid: 'article-instream',
    },
  ],
  site: {
    id: 'site-10423',
    domain: 'news.example.com',
    page: 'https://news.example.com/sport/football/2025/06/02/cup-final-report',
    cat: ['IAB17', 'IAB17-44'],
    publisherId: 'pub-8841',
  },
  app: null,
  dooh: null,
  device: {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    ip: '203.0.113.0',
    geo: { lat: 51.51, lon: -0.13, country: 'GBR', region: 'GB-LND', city: 'London', zip: 'EC1A', metro: '826044' },
    os: 'iOS',
    devicetype: 4,
  },
  userKey: 'uk_3f9a1c2e7b5d4a8f9e0c1b2a3d4e5f60',
  regs: {
    gdpr: true,
    consent:
      'CQK5hAAQK5hAAAHABBENBtFsAP_gAEPgAAiQKCtV_G__bWlr-b73aftkeYxP9_hr7sQxBgbJk24FzLvW_JwXx2E5NAzatqIKmRIAu3TBIQNlHJDURVCgaogVrzDMaEyUoTtKJ6BkiFMRY2dYCFxvm4tjeQCZ5vr_91d52R_t7dr-3dzyz5Vnv3a9_-b1WJidK5-tH_v_bROb-_I-9_5-_4v8_N_rk2_eT1t_tevt739-8tv_9___9____7______3_-_AAAAAA',
    coppa: false,
    us_privacy: null,
    gpp: null,
    gpp_sid: [2],
  },
  test: false,
  at: 2,
  tmax: 120,
  cur: ['USD'],
  bcat: ['IAB25', 'IAB26', 'IAB7-39', 'IAB8-18'],
  badv: ['competitor.example', 'blocked-brand.example'],
};

export const exampleProfiledRequest: ProfiledRequest = {
  request: exampleBidRequest,
  profile: {
    segments: ['seg-sports-fans', 'seg-uk-commuters', 'seg-high-intent-travel'],
    interests: ['IAB17', 'IAB20'],
    ageBracket: 'AGE_25_34',
    geoRegion: 'GBR-LND',
    embedding: exampleEmbedding(1),
    cacheHit: true,
  },
  profiledAtMs: T0 + 2,
};

export const exampleAuctionWin: AuctionOutcome = {
  eventId: exampleBidRequest.eventId,
  requestId: exampleBidRequest.id,
  impId: '1',
  userKey: exampleBidRequest.userKey,
  outcome: 'WIN',
  win: {
    campaignId: 'cmp-42',
    adId: 'ad-42-1',
    creativeId: 'cr-42-1-300x250',
    bidType: 'CPC',
    bidMicros: 800_000,
    pctr: 0.0125,
    ecpmMicros: 10_000_000,
    clearingPriceCpmMicros: 7_200_001,
    floorCpmMicros: 1_250_000,
    runnerUp: { campaignId: 'cmp-7', adId: 'ad-7-3', pctr: 0.009, ecpmMicros: 7_200_000 },
    candidates: 14,
  },
  noFill: null,
  modelVersion: 'pctr-ftrl-2026-11-20',
  decidedAtMs: T0 + 4,
  placement: exampleBidRequest.site?.domain ?? 'unknown',
  test: false,
};

export const exampleAuctionNoFill: AuctionOutcome = {
  ...exampleAuctionWin,
  outcome: 'NO_FILL',
  win: null,
  noFill: { reason: 'BELOW_FLOOR', code: 301, detail: 'best eCPM 0.90 below floor 1.25' },
};
