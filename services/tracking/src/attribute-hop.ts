import {
  AttributionError,
  attribute,
  clickDedupKey,
  clickEvent,
  clickTouchOf,
  conversionDedupKey,
  conversionEvent,
  EMPTY_TOUCH_STATE,
  impressionEvent,
  isEmptyTouchState,
  recordTouch,
  type Touch,
  touchIdOf,
  type UserTouchState,
  type VerifiedClick,
  viewTouchOf,
} from '@adtrace/ads';
import { type AttributedEvent, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, jsonStore, RejectedError } from '@adtrace/stream';
import {
  type Context,
  context,
  defaultTextMapGetter,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import type { TrackingConfig } from './config.ts';
import type { StageOptions } from './rekey-hop.ts';
import { ended, TrackingAttr, traceparentOf } from './tracking-attributes.ts';

/** What a click needs of its impression that its token does not say. */
interface ImpressionInfo {
  /** Click price (CPC), 0 for CPM. */
  readonly c: number;
  /** pCTR model version. */
  readonly m: string | null;
  /** Served for a test request: its clicks and views are tracked, never attributed or counted. */
  readonly t?: true;
}

/**
 * Stage two: adtrace.impressions + the re-keyed events (co-partitioned by user key) →
 * adtrace.attributed-events keyed by campaign id. Impressions are view touches and IMPRESSION
 * records; clicks (de-duplicated by impression id, first wins) click touches and CLICK records
 * priced from their impression; conversions (de-duplicated by conversion id) are attributed last
 * touch over the user's touch state (a TTL store) and, when attributed, become CONVERSION records
 * in the touch's trace: their `ads.attribute` span's parent is the touch's traceparent, kept in
 * the state, with a link to the conversion's own trace.
 */
export function createAttribute(config: TrackingConfig, options: StageOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const now = options.now ?? Date.now;
  const tracer = trace.getTracer('adtrace.tracking');
  const meter = metrics.getMeter('adtrace.tracking');
  const conversions = meter.createCounter('ads.attribution.conversions', {
    description: 'Conversions attributed (by touch) or not (by reason)',
  });
  const testEvents = meter.createCounter('ads.tracking.test_events', {
    description: 'Impressions and clicks of test requests: traced, never attributed, never in ROAS or spend',
  });
  const unpriced = meter.createCounter('ads.tracking.clicks_without_impression', {
    description: 'Clicks whose impression tracking has not seen (or forgot): counted at cost 0, model version null',
  });
  const impressionCodec = createCodec(RecordNames.Impression);
  const eventCodec = createCodec(RecordNames.AttributedEvent);
  const { attribution } = config;
  const touchTtlMs = Math.max(attribution.clickWindowMs, attribution.viewWindowMs) + attribution.latenessMs;

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
      touches: { ...jsonStore<UserTouchState>(), ttlMs: touchTtlMs },
      impressions: { ...jsonStore<ImpressionInfo>(), ttlMs: config.impressionTtlMs },
    },
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
      const touches = ctx.store('touches');
      const record = (userKey: string, touch: Touch) =>
        touches.put(
          userKey,
          recordTouch(touches.get(userKey) ?? EMPTY_TOUCH_STATE, touch, ctx.streamTime, attribution),
        );
      const emit = (value: AttributedEvent) =>
        ctx.emit({ to: 'attributed', value, key: value.campaignId, timestamp: value.eventTimeMs });

      if (m.input === 'impressions') {
        const impression: Impression = m.value;
        return span('impression', (s) => {
          const impressionId = touchIdOf(impression);
          s.setAttributes({
            [TrackingAttr.impressionId]: impressionId,
            [TrackingAttr.campaignId]: impression.campaignId,
          });
          if (impression.test) {
            // A test request's impression is traced to here and kept so its clicks are known as
            // test too; it is no touch for attribution and never reaches ROAS or spend.
            s.setAttribute(TrackingAttr.test, true);
            ctx.store('impressions').put(impressionId, { c: 0, m: impression.modelVersion, t: true });
            testEvents.add(1, { [TrackingAttr.eventType]: 'impression' });
            return;
          }
          ctx.store('impressions').put(impressionId, { c: impression.clickPriceMicros, m: impression.modelVersion });
          record(impression.userKey, viewTouchOf(impression, traceparentOf(s.spanContext())));
          emit(impressionEvent(impression, now()));
        });
      }
      const e = m.value;
      if (e.kind === 'CLICK') {
        return span('click', (s) => {
          s.setAttributes({ [TrackingAttr.impressionId]: e.impressionId, [TrackingAttr.campaignId]: e.campaignId });
          const info = ctx.store('impressions').get(e.impressionId);
          if (info?.t) {
            s.setAttribute(TrackingAttr.test, true);
            testEvents.add(1, { [TrackingAttr.eventType]: 'click' });
            return;
          }
          if (!info) unpriced.add(1);
          const click: VerifiedClick = {
            impressionId: e.impressionId,
            originalEventId: e.originalEventId,
            campaignId: e.campaignId,
            adId: e.adId,
            userKey: e.userKey,
            timeMs: e.eventTimeMs,
            costMicros: info?.c ?? 0,
            modelVersion: info?.m ?? null,
            traceparent: traceparentOf(s.spanContext()),
          };
          record(e.userKey, clickTouchOf(click));
          emit(clickEvent(click, now()));
        });
      }
      if (e.kind !== 'CONVERSION') throw new RejectedError('UNEXPECTED_KIND', `${e.kind} is not a user event`);
      const state = touches.get(e.userKey) ?? EMPTY_TOUCH_STATE;
      let outcome: ReturnType<typeof attribute>;
      try {
        outcome = attribute(
          state,
          {
            conversionId: e.eventId,
            userKey: e.userKey,
            timeMs: e.eventTimeMs,
            valueMicros: e.originalValueMicros,
            currency: e.originalCurrency,
          },
          { config: attribution, rates: config.usdRates, streamTimeMs: ctx.streamTime },
        );
      } catch (error) {
        if (error instanceof AttributionError) throw new RejectedError(error.code, error.message);
        throw error;
      }
      const { result, nextState } = outcome;
      if (isEmptyTouchState(nextState)) touches.delete(e.userKey);
      else if (nextState !== state) touches.put(e.userKey, nextState);
      const touchSpan = result.status === 'attributed' ? touchSpanContext(result.touch) : undefined;
      // Keep the handler's context (event id, CPU meter) and swap only the parent span.
      const parent = touchSpan ? trace.setSpanContext(context.active(), touchSpan) : undefined;
      return span(
        'conversion',
        (s) => {
          s.setAttributes({ [TrackingAttr.conversionId]: e.eventId, [TrackingAttr.attribution]: result.status });
          if (result.status === 'unattributed') {
            s.setAttribute(TrackingAttr.unattributedReason, result.reason);
            conversions.add(1, {
              [TrackingAttr.attribution]: result.status,
              [TrackingAttr.unattributedReason]: result.reason,
            });
            return;
          }
          s.setAttributes({
            [TrackingAttr.touch]: result.touch.type,
            [TrackingAttr.touchEventId]: result.touch.eventId,
            [TrackingAttr.impressionId]: result.touch.impressionId,
            [TrackingAttr.campaignId]: result.touch.campaignId,
            [TrackingAttr.valueUsdMicros]: result.valueUsdMicros,
          });
          conversions.add(1, { [TrackingAttr.attribution]: result.status, [TrackingAttr.touch]: result.touch.type });
          ctx.setEventId(result.touch.originalEventId);
          emit(conversionEvent(result, now()));
        },
        parent,
      );

      /** `ads.attribute` under the process span, or under `parent` with a link back to it. */
      function span(kind: string, fn: (s: Span) => void, parentContext?: Context): [] {
        const attributes = { [TrackingAttr.eventType]: kind, [TrackingAttr.userKey]: m.key?.toString() ?? '' };
        const links = parentContext ? [{ context: ctx.span.spanContext() }] : [];
        const s = tracer.startSpan('ads.attribute', { attributes, links }, parentContext ?? context.active());
        context.with(trace.setSpan(parentContext ?? context.active(), s), () => ended(s, () => fn(s)));
        return [];
      }
    },
  });
}

/** The touch's span, for a conversion to continue the impression's trace; undefined if it kept none. */
function touchSpanContext(touch: Touch): SpanContext | undefined {
  if (!touch.traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent: touch.traceparent }, defaultTextMapGetter);
  return trace.getSpanContext(extracted);
}
