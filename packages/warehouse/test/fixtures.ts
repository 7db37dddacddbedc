import { randomBytes } from 'node:crypto';
import type { AuctionOutcomeRow, SpanRow } from '../src/index.ts';

export const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A span row with sensible defaults; override what the test is about. */
export function span(over: Partial<SpanRow> & Pick<SpanRow, 'traceId'>): SpanRow {
  return {
    spanId: hex(8),
    parentSpanId: null,
    service: 'auction',
    name: 'ads.auction',
    kind: 'internal',
    startUnixMicros: 1_763_769_600_123_456,
    durationMs: 1.25,
    statusCode: 'unset',
    statusMessage: null,
    eventId: null,
    computeUsd: 1e-9,
    kafkaUsd: 2e-9,
    queryUsd: 0,
    costUsd: 3e-9,
    attributesJson: '{}',
    ...over,
  };
}

/**
 * One event's trace over two stages: ingest's process span (10 ms) with a child, then
 * auction's process span (`auctionMs`) with a child. Costs are chosen so sums are easy.
 */
export function twoStageTrace(eventId: string, auctionMs: number, startUs = 1_763_769_600_000_000): SpanRow[] {
  const traceId = hex(16);
  const ingest = hex(8);
  const auction = hex(8);
  return [
    span({
      traceId,
      spanId: ingest,
      service: 'ingest',
      name: 'process adtrace.bid-requests.raw',
      kind: 'consumer',
      startUnixMicros: startUs,
      durationMs: 10,
      eventId,
      costUsd: 1e-6,
      computeUsd: 1e-6,
      kafkaUsd: 0,
    }),
    span({
      traceId,
      parentSpanId: ingest,
      service: 'ingest',
      name: 'send adtrace.bid-requests',
      kind: 'producer',
      startUnixMicros: startUs + 8000,
      durationMs: 1,
      eventId,
      costUsd: 1e-6,
      computeUsd: 0,
      kafkaUsd: 1e-6,
    }),
    span({
      traceId,
      spanId: auction,
      parentSpanId: ingest,
      service: 'auction',
      name: 'process adtrace.profiled-requests',
      kind: 'consumer',
      startUnixMicros: startUs + 20_000,
      durationMs: auctionMs,
      eventId,
      costUsd: 2e-6,
      computeUsd: 2e-6,
      kafkaUsd: 0,
    }),
    span({
      traceId,
      parentSpanId: auction,
      service: 'auction',
      name: 'ads.auction',
      startUnixMicros: startUs + 21_000,
      durationMs: auctionMs / 2,
      eventId,
      costUsd: 4e-6,
      computeUsd: 4e-6,
      kafkaUsd: 0,
    }),
  ];
}

/** An auction outcome row: a no-fill unless `over` says otherwise. */
export function auctionOutcome(
  over: Partial<AuctionOutcomeRow> & Pick<AuctionOutcomeRow, 'eventId'>,
): AuctionOutcomeRow {
  return {
    requestId: `req-${over.eventId}`,
    impId: '1',
    userKey: null,
    outcome: 'no_fill',
    campaignId: null,
    adId: null,
    creativeId: null,
    bidType: null,
    bidMicros: null,
    pctr: null,
    clearingPriceCpmMicros: null,
    floorCpmMicros: null,
    candidates: 0,
    noFillReason: 'NO_CANDIDATES',
    noFillCode: 8,
    noFillDetail: null,
    modelVersion: null,
    decidedAtMs: Date.now(),
    traceId: null,
    ...over,
  };
}
