import type { Alert, AttributedEvent, CampaignSpend, Impression, RoasWindow, UserEvent } from '../generated/types.ts';
import { exampleBidRequest } from './example-requests.ts';
import { T0 } from './example-time.ts';

export const exampleImpression: Impression = {
  eventId: exampleBidRequest.eventId,
  impressionId: `${exampleBidRequest.eventId}.1`,
  requestId: exampleBidRequest.id,
  impId: '1',
  userKey: exampleBidRequest.userKey,
  campaignId: 'cmp-42',
  adId: 'ad-42-1',
  creativeId: 'cr-42-1-300x250',
  trackingToken: 'v1.eyJlIjoiMDFKV1E4WjZSNEM4TTVUMlY5SzNYSDdOMUQiLCJjIjoiY21wLTQyIn0.c2lnbmF0dXJl',
  bidType: 'CPC',
  priceMicros: 0,
  clickPriceMicros: 576_000,
  pctr: 0.0125,
  eventTimeMs: T0 + 40,
  modelVersion: 'pctr-ftrl-2026-11-20',
  test: false,
  markup:
    '<a href="https://track.adtrace.example/click?t=v1.eyJl&amp;r=https%3A%2F%2Fshop.example%2F"><img src="https://cdn.adtrace.example/cr-42-1.png" width="300" height="250"></a><img src="https://track.adtrace.example/imp?t=v1.eyJl" width="1" height="1">',
  impressionUrl: 'https://track.adtrace.example/imp?t=v1.eyJl',
  clickUrl: 'https://track.adtrace.example/click?t=v1.eyJl&r=https%3A%2F%2Fshop.example%2F',
};

export const exampleConversion: UserEvent = {
  eventId: 'conv-9f8e7d6c',
  kind: 'CONVERSION',
  trackingToken: exampleImpression.trackingToken,
  valueMicros: 49_990_000,
  currency: 'USD',
  eventTimeMs: T0 + 3_600_000,
  receivedAtMs: T0 + 3_600_250,
};

export const exampleAttributedEvent: AttributedEvent = {
  eventId: exampleConversion.eventId,
  kind: 'CONVERSION',
  originalEventId: exampleBidRequest.eventId,
  campaignId: 'cmp-42',
  adId: 'ad-42-1',
  userKey: exampleBidRequest.userKey,
  touch: 'CLICK',
  costMicros: 0,
  valueMicros: 49_990_000,
  pctr: 0,
  eventTimeMs: exampleConversion.eventTimeMs,
  attributedAtMs: exampleConversion.receivedAtMs + 3,
  impressionId: exampleImpression.impressionId,
  touchEventId: `${exampleImpression.impressionId}:click`,
  touchTimeMs: exampleImpression.eventTimeMs + 12_000,
  originalCurrency: 'EUR',
  originalValueMicros: 45_990_000,
  modelVersion: null,
};

export const exampleRoasWindow: RoasWindow = {
  campaignId: 'cmp-42',
  windowStartMs: T0 - (T0 % 3_600_000),
  windowEndMs: T0 - (T0 % 3_600_000) + 3_600_000,
  impressions: 120_400,
  clicks: 1_380,
  conversions: 61,
  spendMicros: 794_880_000,
  revenueMicros: 3_049_390_000,
  roas: 3.836,
  observedCtr: 0.01146,
  predictedCtr: 0.0121,
  completeThroughMs: T0 + 3_700_000,
  final: false,
  revision: 2,
  emittedAtMs: T0 + 3_700_050,
  generation: 0,
  currency: 'USD',
  lateDropped: 3,
  clickThroughConversions: 52,
  viewThroughConversions: 9,
  clickThroughRevenueMicros: 2_749_450_000,
  viewThroughRevenueMicros: 299_940_000,
};

export const exampleCampaignSpend: CampaignSpend = {
  campaignId: 'cmp-42',
  currency: 'USD',
  totalSpendMicros: 18_204_576_000,
  todaySpendMicros: 794_880_000,
  dayStartMs: T0 - (T0 % 86_400_000),
  impressions: 22_410_300,
  clicks: 258_120,
  updatedAtMs: T0 + 3_600_000,
  emittedAtMs: T0 + 3_600_020,
};

export const exampleAlert: Alert = {
  alertId: 'alert-0001',
  kind: 'CALIBRATION_DRIFT',
  severity: 'WARNING',
  source: 'aggregation',
  campaignId: 'cmp-42',
  segmentId: null,
  value: 1.056,
  threshold: 1.05,
  message: 'Predicted CTR is 5.6 % above observed CTR for cmp-42 over the last window.',
  attributes: { window: '2025-06-02T14:00:00Z' },
  eventTimeMs: T0 + 3_700_100,
};
