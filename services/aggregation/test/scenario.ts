// A seeded stream with known ground truth for the aggregation tests: impressions, clicks and
// conversions from packages/ads simulate (late within and beyond grace, duplicated, forged,
// out-of-window), through the reference tracking, redelivered and jittered as a consumer may;
// each record's timestamp its event time. Sentinels far ahead, one per partition, close every
// window.
import { randomBytes } from 'node:crypto';
import {
  createRng,
  exampleModel,
  runTracking,
  simulateAttributedImpressions,
  simulateUserEvents,
  type TrackedEvent,
  type TruthWindow,
  toAttributionConfig,
} from '@adtrace/ads';
import { type AttributedEvent, createCodec, RecordNames, type RoasWindow } from '@adtrace/schemas';
import type { Producer } from 'kafkajs';

const START = Date.UTC(2026, 10, 20, 0, 0, 0);
const WINDOW = 60_000;
const GRACE = 300_000;

export const NUMBERS = [
  'impressions',
  'clicks',
  'conversions',
  'clickThroughConversions',
  'viewThroughConversions',
  'spendMicros',
  'revenueMicros',
  'clickThroughRevenueMicros',
  'viewThroughRevenueMicros',
  'lateDropped',
] as const;
export const pick = (r: TruthWindow | RoasWindow) => [r.campaignId, r.windowStartMs, ...NUMBERS.map((k) => r[k])];
export const isSentinel = (campaignId: string) => campaignId.startsWith('sentinel');
const eventCodec = createCodec(RecordNames.AttributedEvent);

export interface Sent {
  readonly event: AttributedEvent;
  readonly traceId: string;
  readonly spanId: string;
}

function perturb(input: readonly TrackedEvent[], seed: number): TrackedEvent[] {
  const rng = createRng(seed);
  const out: TrackedEvent[] = [];
  for (const x of input) {
    out.push({ ...x, deliverAtMs: x.deliverAtMs + rng.int(0, 2_000) });
    if (rng.chance(0.05)) out.push({ ...x, deliverAtMs: x.deliverAtMs + rng.int(0, 30_000) });
  }
  return out.sort((a, b) => a.deliverAtMs - b.deliverAtMs);
}

const traced = (event: AttributedEvent): Sent => ({
  event,
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
});

export function scenario(seed: number, partitions: number) {
  const model = exampleModel(seed);
  const impressions = simulateAttributedImpressions(model, {
    startMs: START,
    durationMs: 16 * 60_000,
    meanIntervalMs: 400,
    users: 150,
    contexts: ['web', 'app'],
  });
  const { events, truth } = simulateUserEvents(impressions, model);
  const config = toAttributionConfig({
    clickWindowMs: model.windows.clickWindowMs,
    viewWindowMs: model.windows.viewWindowMs,
    latenessMs: 30 * 60_000,
  });
  const tracking = runTracking(impressions, events, model, config);
  const stream = perturb(tracking.attributed, seed + 1).map((x) => traced(x.event));
  const lastEventMs = Math.max(...stream.map((x) => x.event.eventTimeMs));
  const sentinels = Array.from({ length: partitions }, (_, p): Sent => {
    const campaignId = `sentinel-${p}`;
    return traced({
      ...stream[0]!.event,
      kind: 'IMPRESSION',
      eventId: `${campaignId}-imp`,
      impressionId: `${campaignId}-imp`,
      campaignId,
      costMicros: 0,
      eventTimeMs: lastEventMs + WINDOW + GRACE + 10_000 + p,
    });
  });
  return { truth, tracking, stream, sentinels };
}

/** In order, keyed by campaign id (sentinels: to partition i), timestamp = event time. */
export async function produce(producer: Producer, topic: string, sent: readonly Sent[], toPartition = false) {
  for (let i = 0; i < sent.length; i += 500) {
    await producer.send({
      topic,
      messages: sent.slice(i, i + 500).map((x, j) => ({
        key: x.event.campaignId,
        ...(toPartition && { partition: i + j }),
        value: eventCodec.encode(x.event),
        timestamp: String(x.event.eventTimeMs),
        headers: { traceparent: `00-${x.traceId}-${x.spanId}-01`, 'adtrace.event-id': x.event.eventId },
      })),
    });
  }
}
