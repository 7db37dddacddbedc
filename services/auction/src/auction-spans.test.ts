import { readFileSync } from 'node:fs';
import { buildAdIndex, decideRequest, loadPctrModel, SHIPPED_PCTR_MODEL_URL } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import { exampleCampaign, exampleProfiledRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { AuctionAttr, decisionSpans, sliceOf } from './auction-spans.ts';

const model = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
const campaigns: Campaign[] = [1, 2, 3, 4, 5].map((n) => ({
  ...exampleCampaign,
  id: `cmp-${n}`,
  advertiserId: `adv-${n}`,
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `ad-${n}`, bidType: 'CPM' as const, bidMicros: n * 2_000_000 })),
}));
const { request, profile } = exampleProfiledRequest;
const decide = (nowMs: number, scoredSpans = 3) =>
  decideRequest(buildAdIndex(campaigns), model, request, profile, { nowMs, scoredSpans });

describe('decision spans', () => {
  it('carries each stage’s attributes, score_ad for the top N only, and the event id on every span', () => {
    const [banner] = decide(request.receivedAtMs + 5);
    const spans = decisionSpans(banner!, request.eventId);
    expect(banner!.outcome.outcome).toBe('WIN');
    expect(spans.candidateSelection).toMatchObject({ 'candidates.total': 5, 'candidates.segments_matched': 5 });
    expect(spans.policyFilter).toMatchObject({
      'policy.input_count': 5,
      'policy.removed_frequency_cap': 0,
      'policy.removed_policy_violation': 0,
      'policy.remaining': 5,
    });
    expect(spans.auction).toMatchObject({
      'auction.participants': 5,
      'auction.type': 'second_price',
      'auction.winning_bid_cpm': 10,
      'auction.second_price_cpm': 8,
      'auction.winning_advertiser': 'adv-5',
      [AuctionAttr.outcome]: 'WIN',
      [AuctionAttr.modelVersion]: model.modelVersion,
    });
    expect(spans.scoreAds.map((a) => a['ad.id'])).toEqual(['ad-5', 'ad-4', 'ad-3']);
    for (const a of [spans.candidateSelection, spans.policyFilter, spans.auction, ...spans.scoreAds]) {
      expect(a).toMatchObject({ 'adtrace.event_id': request.eventId, [AuctionAttr.impId]: '1' });
    }
    expect(decisionSpans(decide(request.receivedAtMs + 5, 1)[0]!, request.eventId).scoreAds).toHaveLength(1);
  });

  it('names the no-fill reason on ads.auction; a timed-out request has no stage spans', () => {
    const [, video] = decide(request.receivedAtMs + 5);
    const noFill = decisionSpans(video!, request.eventId);
    expect(noFill.auction).toMatchObject({
      [AuctionAttr.outcome]: 'NO_FILL',
      [AuctionAttr.noFillReason]: 'NO_CANDIDATES',
    });
    const late = decide(request.receivedAtMs + request.tmax! + 1).map((d) => decisionSpans(d, request.eventId));
    expect(late).toHaveLength(2);
    for (const s of late) {
      expect(s.candidateSelection).toBeUndefined();
      expect(s.policyFilter).toBeUndefined();
      expect(s.scoreAds).toEqual([]);
      expect(s.auction).toMatchObject({
        'auction.participants': 0,
        [AuctionAttr.noFillReason]: 'TIMEOUT',
        [AuctionAttr.noFillCode]: 101,
      });
      expect(s.auction[AuctionAttr.modelVersion]).toBeUndefined();
    }
  });

  it('splits a request’s decision time over its imps without overlap, so no time is counted twice', () => {
    const slices = [0, 1, 2].map((i) => sliceOf(1000, 1003, 3, i));
    expect(slices).toEqual([
      { start: 1000, end: 1001 },
      { start: 1001, end: 1002 },
      { start: 1002, end: 1003 },
    ]);
    expect(sliceOf(5, 9, 0, 0)).toEqual({ start: 5, end: 9 });
  });
});
