import { createTokenSigner, impressionIdOf } from '@adtrace/ads';
import { type AuctionOutcome, type AuctionWin, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, type KafkaPortFactory, type Log, RejectedError } from '@adtrace/stream';
import { pointAttributes, SpanAttributes } from '@adtrace/telemetry/attributes';
import { ended, serviceTracer } from '@adtrace/telemetry/tracer';
import { metrics } from '@opentelemetry/api';
import type { DeliveryConfig } from './config.ts';
import { servedAttributes, traceparentOf } from './creative-attributes.ts';
import { serveImpression } from './serve-impression.ts';

export interface DeliveryTopics {
  readonly outcomes: string;
  readonly impressions: string;
  readonly campaigns: string;
}

export interface DeliveryOptions {
  /** Tests run on topics of their own; overrides config.topics. */
  readonly topics?: Partial<DeliveryTopics>;
  /** Overrides config.group (consumer group and transactional id prefix). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** The serving clock (tests); Date.now by default. */
  readonly now?: () => number;
  /** Last step of the drain (main.ts flushes telemetry here). */
  readonly onShutdown?: () => void | Promise<void>;
}

type Win = AuctionOutcome & { readonly win: AuctionWin };

/**
 * The delivery hop: adtrace.auction-outcomes (AuctionOutcome, keyed by user key) →
 * adtrace.impressions (Impression, same key), the ad's creative from the campaigns table. A WIN
 * becomes one impression in `ads.prepare_creative`; a NO_FILL produces nothing and is counted.
 * Exactly-once with de-duplication by impression id: a redelivered outcome (an auction retry, a
 * replay) must not serve, and bill, the impression twice.
 */
export function createDelivery(config: DeliveryConfig, options: DeliveryOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const now = options.now ?? Date.now;
  const tracer = serviceTracer('adtrace.delivery');
  const meter = metrics.getMeter('adtrace.delivery');
  const latency = meter.createHistogram('ads.serving.latency_ms', {
    description: 'Bid request received (its record timestamp, kept by every hop) → impression produced',
    unit: 'ms',
  });
  const servedTotal = meter.createCounter('ads.served.total', { description: 'Impressions served' });
  const outcomesTotal = meter.createCounter('ads.delivery.outcomes', {
    description: 'Auction outcomes delivery read, by outcome (a NO_FILL serves nothing) and no-fill reason',
  });
  // Per imp: each point's attributes one frozen object per value (the SDK hashes others per record).
  const noFillPoint = pointAttributes((reason: string) => ({ 'ads.outcome': 'NO_FILL', 'ads.no_fill_reason': reason }));
  const winPoint = Object.freeze({ 'ads.outcome': 'WIN' });
  const latencyPoint = pointAttributes((format: string) => ({ 'creative.type': format }));
  const servedPoint = pointAttributes((key: string) => {
    const [placement, format, bidType] = key.split('\u0000');
    return { 'ads.placement': placement, 'creative.type': format, 'ads.bid_type': bidType };
  });
  const signer = createTokenSigner(config.keyring);
  const outcomeCodec = createCodec(RecordNames.AuctionOutcome);
  const impressionCodec = createCodec(RecordNames.Impression);
  const campaignCodec = createCodec(RecordNames.Campaign);

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    mode: 'exactly-once',
    inputs: {
      outcomes: { topic: topics.outcomes, decode: (b: Buffer) => outcomeCodec.decode(b), schema: outcomeCodec },
    },
    outputs: {
      impressions: {
        topic: topics.impressions,
        encode: (v: Impression) => impressionCodec.encode(v),
        schema: impressionCodec,
      },
    },
    tables: { campaigns: { topic: topics.campaigns, decode: (b: Buffer) => campaignCodec.decode(b) } },
    // One outcome per imp of an event: its impression id is the outcome's identity too.
    dedupe: { key: (m) => impressionIdOf(m.value.eventId, m.value.impId), ttlMs: config.dedupeTtlMs },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      const outcome = m.value;
      ctx.setEventId(outcome.eventId);
      if (outcome.outcome === 'WIN' && outcome.win === null) {
        // The auction broke the record's contract: a WIN without a winner cannot be served.
        throw new RejectedError('WIN_WITHOUT_WINNER', `outcome WIN of imp ${outcome.impId} has no win`);
      }
      if (outcome.outcome !== 'WIN') {
        outcomesTotal.add(1, noFillPoint(outcome.noFill?.reason ?? 'OTHER'));
        return [];
      }
      const win = outcome as Win;
      outcomesTotal.add(1, winPoint);
      tracer.startActiveSpan(
        'ads.prepare_creative',
        { attributes: { [SpanAttributes.eventId]: win.eventId } },
        (span) =>
          ended(span, () => {
            const ad = ctx
              .table('campaigns')
              .get(win.win.campaignId)
              ?.ads.find((a) => a.id === win.win.adId);
            if (!ad) {
              throw new RejectedError(
                'UNKNOWN_AD',
                `ad ${win.win.adId} of campaign ${win.win.campaignId} is not in the campaigns table`,
              );
            }
            const servedAtMs = now();
            const served = serveImpression(win, ad, {
              signer,
              traceparent: traceparentOf(span.spanContext()),
              servedAtMs,
              tokenTtlMs: config.tokenTtlMs,
              trackingBaseUrl: config.trackingBaseUrl,
            });
            // Most requests are not sampled: their attributes would be built for nothing.
            if (span.isRecording()) span.setAttributes(servedAttributes(win, served, config.keyring.signingKeyId));
            // The outcome's record timestamp is the bid request's receivedAtMs: every hop keeps its
            // input's timestamp (AuctionOutcome does not carry receivedAtMs itself).
            latency.record(Math.max(0, servedAtMs - m.timestamp), latencyPoint(ad.creative.format));
            servedTotal.add(
              1,
              servedPoint(`${win.placement || 'unknown'}\u0000${ad.creative.format}\u0000${ad.bidType}`),
            );
            // Inside the span: it is the output's traceparent, so the chain is process → prepare → next hop.
            ctx.emit({ to: 'impressions', value: served.impression, key: win.userKey, timestamp: servedAtMs });
          }),
      );
      return [];
    },
  });
}
