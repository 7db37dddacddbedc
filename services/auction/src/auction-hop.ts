import { type CapState, decideRequest } from '@adtrace/ads';
import { type AuctionOutcome, createCodec, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, jsonStore, type KafkaPortFactory, type Log } from '@adtrace/stream';
import { pointAttributes } from '@adtrace/telemetry/attributes';
import { metrics } from '@opentelemetry/api';
import { AuctionAttr, auctionTracer, decisionSpans, epochTimes, traceDecision } from './auction-spans.ts';
import { capLookup, recordServed } from './caps.ts';
import { createCatalog } from './catalog.ts';
import type { AuctionConfig, AuctionTopics } from './config.ts';
import { spendLookup } from './spend.ts';

export interface AuctionOptions {
  /** Tests run on topics of their own; overrides config.topics. */
  readonly topics?: Partial<AuctionTopics>;
  /** Overrides config.group (consumer group, changelogs and transactional id prefix). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** Last step of the drain (main.ts flushes telemetry here). */
  readonly onShutdown?: () => void | Promise<void>;
}

/**
 * The auction hop: adtrace.profiled-requests (ProfiledRequest) and adtrace.impressions
 * (Impression), co-partitioned by user key → adtrace.auction-outcomes, one AuctionOutcome per
 * imp keyed by user key. Campaigns come from the adtrace.campaigns global table; caps from a
 * TTL store the impressions advance. Exactly-once: the caps and the de-duplication are state,
 * and an impression counted twice would cap a user early.
 */
export function createAuction(config: AuctionConfig, options: AuctionOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const tracer = auctionTracer();
  const meter = metrics.getMeter('adtrace.auction');
  const latency = meter.createHistogram('ads.auction.latency_ms', {
    description: 'Time to decide every imp of a request (candidates, policy, pCTR, auction)',
    unit: 'ms',
  });
  const noFills = meter.createCounter('ads.no_fill.total', { description: 'Imps no ad filled, by reason' });
  const noFillPoint = pointAttributes((reason: string) => ({ reason }));
  const requestCodec = createCodec(RecordNames.ProfiledRequest);
  const impressionCodec = createCodec(RecordNames.Impression);
  const outcomeCodec = createCodec(RecordNames.AuctionOutcome);
  const spendCodec = createCodec(RecordNames.CampaignSpend);
  const unjudgedBudgets = meter.createCounter('ads.auction.budget_unjudged', {
    description: 'Spend lookups of a campaign whose budget currency has no rate (AUCTION_USD_RATES): not enforced',
  });
  const catalog = createCatalog(createCodec(RecordNames.Campaign).decode);
  const { model } = config;

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    mode: 'exactly-once',
    inputs: {
      requests: { topic: topics.requests, decode: requestCodec.decode, schema: requestCodec },
      impressions: { topic: topics.impressions, decode: impressionCodec.decode, schema: impressionCodec },
    },
    outputs: {
      outcomes: { topic: topics.outcomes, encode: (v: AuctionOutcome) => outcomeCodec.encode(v), schema: outcomeCodec },
    },
    tables: {
      campaigns: { topic: topics.campaigns, decode: catalog.decode },
      spend: { topic: topics.spend, decode: (b: Buffer) => spendCodec.decode(b) },
    },
    stores: { caps: { ...jsonStore<CapState>(), ttlMs: config.capTtlMs } },
    // A request that slipped past ingest twice maps to one event id: one auction. An impression
    // delivered twice must not count twice against a cap.
    dedupe: {
      key: (m) =>
        m.input === 'requests'
          ? `r:${m.value.request.eventId}`
          : `i:${m.value.impressionId || `${m.value.eventId}.${m.value.impId}`}`,
      ttlMs: config.dedupeTtlMs,
    },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      if (m.input === 'impressions') {
        // On its process span (in delivery's trace): an impression that counted nothing says why.
        const done = recordServed(ctx.store('caps'), ctx.table('campaigns').get(m.value.campaignId), m.value);
        ctx.span.setAttribute(AuctionAttr.capUpdate, done);
        return [];
      }
      const { request, profile } = m.value;
      ctx.setEventId(request.eventId);
      // An unsampled request (most, at a sampling ratio) records no decision spans: their
      // attributes and scored ads are not made, and its outcomes carry the process span's context.
      const traced = ctx.span.isRecording();
      const index = catalog.index(ctx.table('campaigns'));
      const started = performance.now();
      const capState = capLookup(ctx.store('caps'), request.userKey);
      const nowMs = Date.now();
      const spend = spendLookup(ctx.table('spend'), ctx.table('campaigns'), config.usdRates, nowMs, (c) =>
        unjudgedBudgets.add(1, { currency: c.budget.currency }),
      );
      const decisions = decideRequest(index, model, request, profile, {
        nowMs,
        ...(capState && { capState }),
        spend,
        candidatesK: config.candidatesK,
        scoredSpans: traced ? config.scoredSpans : 0,
        ...(traced && { clock: () => performance.now() }),
      });
      latency.record(performance.now() - started);
      for (const decision of decisions) {
        const { outcome, times } = decision;
        if (outcome.noFill) noFills.add(1, noFillPoint(outcome.noFill.reason));
        const emit = () => ctx.emit({ to: 'outcomes', value: outcome, key: request.userKey, eventId: request.eventId });
        // times: only where traced (the clock was given).
        if (times) traceDecision(tracer, decisionSpans(decision, request.eventId), epochTimes(times), emit);
        else emit();
      }
      return [];
    },
  });
}
