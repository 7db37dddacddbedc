import { clickDedupKey, conversionDedupKey, decodeTouchState, encodeTouchState } from '@adtrace/ads';
import { type AttributedEvent, createCodec, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, jsonStore, RejectedError } from '@adtrace/stream';
import { metrics } from '@opentelemetry/api';
import { type Ctx, checkConversionValue, createAttribution, type ImpressionInfo } from './attribute-events.ts';
import type { TrackingConfig } from './config.ts';
import { dueMsOf, enqueue, nextCheckMs, type Parked, parkedUntil, release } from './join-wait.ts';
import type { StageOptions } from './rekey-hop.ts';
import { TrackingAttr, traceparentOf } from './tracking-attributes.ts';

/** The timer that re-checks a user's parked events on stream time (join-wait.ts). */
const JOIN_TIMER = 'join-wait';

/**
 * Stage two: adtrace.impressions + the re-keyed events (co-partitioned by user key) →
 * adtrace.attributed-events keyed by campaign id. Impressions are view touches and IMPRESSION
 * records; clicks (de-duplicated by impression id, first wins) click touches and CLICK records
 * priced from their impression; conversions (de-duplicated by conversion id) are attributed last
 * touch over the user's touch state (a TTL store) and, when attributed, become CONVERSION records
 * in the touch's trace. A click or conversion that comes before what it joins with waits, parked
 * per user key, until it has come or the bounded wait is over (join-wait.ts): the result does not
 * depend on the order the two inputs are fetched in.
 */
export function createAttribute(config: TrackingConfig, options: StageOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const eventCodec = createCodec(RecordNames.AttributedEvent);
  const impressionCodec = createCodec(RecordNames.Impression);
  const windows = config.attribution;
  const touchTtlMs = Math.max(windows.clickWindowMs, windows.viewWindowMs) + windows.latenessMs;
  const parkedCount = metrics.getMeter('adtrace.tracking').createCounter('ads.tracking.parked', {
    description: 'Clicks and conversions that waited for their impression (or for the impressions to reach their time)',
  });
  const attribution = createAttribution(config, options.now ?? Date.now);

  /**
   * Applies `change` to the user's parked queue, handles what is now ready, in order, and keeps
   * the rest (store and timer). `current` is the event being handled, if any: handled at once,
   * its span is the active one rather than a continuation of a parked one. True if it waits.
   */
  function settle(
    ctx: Ctx,
    userKey: string,
    change: (queue: readonly Parked[]) => readonly Parked[],
    current?: Parked,
  ): boolean {
    const store = ctx.store('parked');
    const before = store.get(userKey);
    const queue = change(before ?? []);
    if (queue.length === 0) return false;
    const impressions = ctx.store('impressions');
    const view = { streamTimeMs: ctx.streamTime, hasImpression: (id: string) => impressions.get(id) !== undefined };
    const { ready, waiting } = release(queue, view);
    // Nothing released, nothing added (an impression of a user still waiting for another): as it was.
    if (ready.length === 0 && queue === before) return false;
    if (waiting.length > 0) {
      store.put(userKey, waiting);
      ctx.timers.schedule(JOIN_TIMER, userKey, nextCheckMs(waiting, ctx.streamTime)!);
    } else if (before) {
      store.delete(userKey);
      ctx.timers.cancel(JOIN_TIMER, userKey);
    }
    for (const p of ready) attribution.event(ctx, p, p !== current);
    return current !== undefined && waiting.includes(current);
  }

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    mode: 'exactly-once',
    inputs: {
      impressions: { topic: topics.impressions, decode: (b: Buffer) => impressionCodec.decode(b) },
      events: { topic: topics.rekeyed, decode: (b: Buffer) => eventCodec.decode(b) },
    },
    outputs: { attributed: { topic: topics.attributed, encode: (v: AttributedEvent) => eventCodec.encode(v) } },
    stores: {
      // Written whole on every touch, changelog included: in a compact form (touch-state-codec.ts).
      touches: { encode: encodeTouchState, decode: decodeTouchState, ttlMs: touchTtlMs },
      impressions: { ...jsonStore<ImpressionInfo>(), ttlMs: config.impressionTtlMs },
      // Never expires: a parked event leaves it only by being handled (its timer sees to that).
      parked: jsonStore<readonly Parked[]>(),
    },
    timers: true,
    dedupe: {
      key: (m) => {
        if (m.input !== 'events') return undefined;
        return m.value.kind === 'CLICK' ? clickDedupKey(m.value.impressionId) : conversionDedupKey(m.value.eventId);
      },
      ttlMs: config.dedupeTtlMs,
    },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) => {
      if (m.input === 'impressions') {
        attribution.impression(ctx, m.value);
        // Its clicks, and the conversions its user's clicks held back, may be waiting for it.
        settle(ctx, m.value.userKey, (queue) => queue);
        return;
      }
      const e = m.value;
      if (e.kind !== 'CLICK' && e.kind !== 'CONVERSION') {
        throw new RejectedError('UNEXPECTED_KIND', `${e.kind} is not a user event`);
      }
      checkConversionValue(e, config.usdRates);
      // The re-keyed record's timestamp is when stage one was presented the event.
      const dueMs = dueMsOf(e, m.timestamp, config.rekeySkewMs);
      const parked: Parked = {
        event: e,
        traceparent: traceparentOf(ctx.span.spanContext()),
        dueMs,
        untilMs: parkedUntil(dueMs, ctx.streamTime, config.joinWaitMs),
      };
      if (settle(ctx, e.userKey, (queue) => enqueue(queue, parked), parked)) {
        ctx.span.setAttribute(TrackingAttr.parked, true);
        parkedCount.add(1, { [TrackingAttr.eventType]: e.kind.toLowerCase() });
      }
    },
    onTimer: (timer, ctx) => {
      if (timer.name === JOIN_TIMER) settle(ctx, timer.key, (queue) => queue);
    },
  });
}
