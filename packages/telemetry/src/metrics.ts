import { type Counter, type Histogram, metrics } from '@opentelemetry/api';

/**
 * The ad pipeline's business instruments (the seed design's `ads.*`), in one place, through
 * `@opentelemetry/api` only: services import these and never create their own. The stream
 * runtime's `adtrace.stream.*` instruments live with the runtime (packages/stream/src/metrics.ts).
 */
export interface PipelineMetrics {
  /** Request in to creative out, per served ad (delivery). */
  readonly servingLatencyMs: Histogram;
  /** Candidate selection + policy + auction, per auction. */
  readonly auctionLatencyMs: Histogram;
  /** Ads served (impressions produced). */
  readonly served: Counter;
  /** One segment build job (segment builder). */
  readonly segmentBuildSeconds: Histogram;
  /** Auctions without a winner; attribute `reason`. */
  readonly noFill: Counter;
}

// Buckets for a 5 ms serving budget and single-digit-ms auctions (seed latency budget).
const FAST_MS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 25, 50, 100, 250, 1000];

let instruments: PipelineMetrics | undefined;

/**
 * The instruments on the global meter. Created on first call, so call it after the preload
 * has registered the SDK (any time in service code); without an SDK they are no-ops.
 */
export function pipelineMetrics(): PipelineMetrics {
  if (instruments) return instruments;
  const meter = metrics.getMeter('adtrace');
  instruments = {
    servingLatencyMs: meter.createHistogram('ads.serving.latency_ms', {
      unit: 'ms',
      description: 'Time to serve one ad, bid request in to creative out',
      advice: { explicitBucketBoundaries: FAST_MS },
    }),
    auctionLatencyMs: meter.createHistogram('ads.auction.latency_ms', {
      unit: 'ms',
      description: 'Time of one auction: candidate selection, policy filter, ranking and pricing',
      advice: { explicitBucketBoundaries: FAST_MS },
    }),
    served: meter.createCounter('ads.served.total', { description: 'Ads served (impressions produced)' }),
    segmentBuildSeconds: meter.createHistogram('ads.segment.build_duration_seconds', {
      unit: 's',
      description: 'Duration of one segment build job',
      advice: { explicitBucketBoundaries: [0.1, 0.5, 1, 5, 10, 30, 60, 300, 900] },
    }),
    noFill: meter.createCounter('ads.no_fill.total', { description: 'Auctions without a winner, by reason' }),
  };
  return instruments;
}
