import { readFileSync } from 'node:fs';
import { buildAdIndex, decideRequest, loadPctrModel, SHIPPED_PCTR_MODEL_URL } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import { exampleCampaign, exampleProfiledRequest } from '@adtrace/schemas/testing';
import { CostAttributes, CostSpanProcessor, withCpuMeter } from '@adtrace/telemetry';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuctionAttr, decisionSpans, epochTimes, traceDecision } from './auction-spans.ts';

const model = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
const campaigns: Campaign[] = [1, 2, 3, 4, 5].map((n) => ({
  ...exampleCampaign,
  id: `cmp-${n}`,
  advertiserId: `adv-${n}`,
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `ad-${n}`, bidType: 'CPM' as const, bidMicros: n * 2_000_000 })),
}));
const { request, profile } = exampleProfiledRequest;
const decide = (nowMs: number, scoredSpans = 3, clock?: () => number) =>
  decideRequest(buildAdIndex(campaigns), model, request, profile, { nowMs, scoredSpans, ...(clock && { clock }) });
/** A clock that moves 1 ms at each read: stage times become read counts. */
const ticking = () => {
  let t = 0;
  return () => ++t;
};

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

  it('times each imp’s stages on the clock it is given, the first imp from the request’s start; none without one', () => {
    const clock = ticking();
    const [banner, video] = decide(request.receivedAtMs + 5, 3, clock);
    // Read 1 before the request's targeting (the first imp's candidate selection), then each stage.
    expect(banner!.times).toEqual({ start: 1, candidatesEnd: 2, policyEnd: 3, end: 4 });
    expect(video!.times).toEqual({ start: 5, candidatesEnd: 6, policyEnd: 7, end: 8 });
    expect(decide(request.receivedAtMs + 5)[0]!.times).toBeUndefined();
    const late = decide(request.receivedAtMs + request.tmax! + 1, 3, ticking());
    expect(late.map((d) => d.times)).toEqual([
      { start: 1, candidatesEnd: 1, policyEnd: 1, end: 1 },
      { start: 1, candidatesEnd: 1, policyEnd: 1, end: 1 },
    ]);
  });

  describe('traceDecision', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new CostSpanProcessor(), new SimpleSpanProcessor({ exporter })],
    });
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => context.setGlobalContextManager(manager.enable()));
    afterAll(() => context.disable());

    it('gives each stage span its own stage’s time as self time, hence its CPU; the emit runs under ads.auction', () => {
      const [banner] = decide(request.receivedAtMs + 5);
      // Stages of 2, 3 and 5 ms, epoch ms as spans take them; a handler's CPU meter at rate 0.5.
      const times = epochTimes({ start: 10, candidatesEnd: 12, policyEnd: 15, end: 20 }, 1_764_000_000_000);
      const meter = { rate: 0.5, chargedUs: 0 };
      let emittedUnder: string | undefined;
      context.with(withCpuMeter(context.active(), meter), () =>
        traceDecision(provider.getTracer('t'), decisionSpans(banner!, request.eventId), times, () => {
          emittedUnder = (trace.getActiveSpan() as unknown as { name: string } | undefined)?.name;
        }),
      );
      const byName = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
      const cpu = (name: string) => byName[name]!.attributes[CostAttributes.cpuMicros];
      expect(cpu('ads.candidate_selection')).toBeCloseTo(1_000, 3); // 2 ms × 0.5
      expect(cpu('ads.policy_filter')).toBeCloseTo(1_500, 3);
      expect(cpu('ads.auction')).toBeCloseTo(2_500, 3);
      expect(cpu('ads.auction.score_ad')).toBe(0);
      expect(meter.chargedUs).toBeCloseTo(5_000, 3); // the decision's 10 ms × 0.5, counted once
      expect(emittedUnder).toBe('ads.auction');
    });
  });
});
