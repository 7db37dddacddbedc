import {
  AttributionError,
  attribute,
  clickEvent,
  clickTouchOf,
  conversionEvent,
  EMPTY_TOUCH_STATE,
  impressionEvent,
  isEmptyTouchState,
  recordTouch,
  type Touch,
  toUsdMicros,
  touchIdOf,
  type UserTouchState,
  type VerifiedClick,
  viewTouchOf,
} from '@adtrace/ads';
import type { AttributedEvent, Impression } from '@adtrace/schemas';
import { RejectedError, type StoreSpec, type TaskContext } from '@adtrace/stream';
import { ended, serviceTracer } from '@adtrace/telemetry/tracer';
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
import type { Parked } from './join-wait.ts';
import { TrackingAttr, traceparentOf } from './tracking-attributes.ts';

/** What a click needs of its impression that its token does not say. */
export interface ImpressionInfo {
  /** Click price (CPC), 0 for CPM. */
  readonly c: number;
  /** pCTR model version. */
  readonly m: string | null;
  /** Served for a test request: its clicks and views are tracked, never attributed or counted. */
  readonly t?: true;
}

/**
 * Refuses a conversion whose value can never be converted (unknown currency, bad value) when it
 * comes: it is dead-lettered as itself, never later, when released by another record's handler
 * (which would dead-letter that record) or by a timer (where a throw crashes the hop).
 */
export function checkConversionValue(e: AttributedEvent, rates: TrackingConfig['usdRates']): void {
  if (e.kind !== 'CONVERSION') return;
  try {
    toUsdMicros(e.originalValueMicros, e.originalCurrency, rates);
  } catch (error) {
    if (error instanceof AttributionError) throw new RejectedError(error.code, error.message);
    throw error;
  }
}

/** Stage two's stores (attribute-hop.ts declares them). */
export type AttributeStores = {
  readonly touches: StoreSpec<UserTouchState>;
  readonly impressions: StoreSpec<ImpressionInfo>;
  readonly parked: StoreSpec<readonly Parked[]>;
};
export type Ctx = TaskContext<
  { attributed: { topic: string; encode: (v: AttributedEvent) => Buffer } },
  AttributeStores
>;

/**
 * What stage two does with each record once it may: an impression becomes a view touch and an
 * IMPRESSION record; a click a click touch and a CLICK priced from its impression; a conversion
 * is attributed last touch. Each gets an `ads.attribute` span: under the record's process span,
 * or, for an event released from the join wait, under the process span it had when it came
 * (its traceparent was parked with it), so it stays in its own trace.
 */
export function createAttribution(config: TrackingConfig, now: () => number) {
  const tracer = serviceTracer('adtrace.tracking');
  const meter = metrics.getMeter('adtrace.tracking');
  const conversions = meter.createCounter('ads.attribution.conversions', {
    description: 'Conversions attributed (by touch) or not (by reason)',
  });
  const testEvents = meter.createCounter('ads.tracking.test_events', {
    description: 'Impressions and clicks of test requests: traced, never attributed, never in ROAS or spend',
  });
  const unpriced = meter.createCounter('ads.tracking.clicks_without_impression', {
    description:
      'Clicks whose impression tracking had not seen by the end of the join wait: cost 0, model version null',
  });
  const { attribution } = config;

  const record = (ctx: Ctx, userKey: string, touch: Touch) => {
    const touches = ctx.store('touches');
    touches.put(userKey, recordTouch(touches.get(userKey) ?? EMPTY_TOUCH_STATE, touch, ctx.streamTime, attribution));
  };
  // A released event is emitted while another record (or none) is handled: it names its own event id.
  const emit = (ctx: Ctx, value: AttributedEvent, eventId?: string) =>
    ctx.emit({
      to: 'attributed',
      value,
      key: value.campaignId,
      timestamp: value.eventTimeMs,
      ...(eventId && { eventId }),
    });

  /** An `ads.attribute` span under `parent`, with `links`, active while `fn` runs; ended after. */
  function span(kind: string, userKey: string, parent: Context, fn: (s: Span) => void, links: SpanContext[] = []) {
    const attributes = { [TrackingAttr.eventType]: kind, [TrackingAttr.userKey]: userKey };
    const s = tracer.startSpan('ads.attribute', { attributes, links: links.map((c) => ({ context: c })) }, parent);
    context.with(trace.setSpan(parent, s), () => ended(s, () => fn(s)));
  }

  function impression(ctx: Ctx, value: Impression): void {
    span('impression', value.userKey, context.active(), (s) => {
      const impressionId = touchIdOf(value);
      s.setAttributes({ [TrackingAttr.impressionId]: impressionId, [TrackingAttr.campaignId]: value.campaignId });
      if (value.test) {
        // A test request's impression is traced to here and kept so its clicks are known as
        // test too; it is no touch for attribution and never reaches ROAS or spend.
        s.setAttribute(TrackingAttr.test, true);
        ctx.store('impressions').put(impressionId, { c: 0, m: value.modelVersion, t: true });
        testEvents.add(1, { [TrackingAttr.eventType]: 'impression' });
        return;
      }
      ctx.store('impressions').put(impressionId, { c: value.clickPriceMicros, m: value.modelVersion });
      record(ctx, value.userKey, viewTouchOf(value, traceparentOf(s.spanContext())));
      emit(ctx, impressionEvent(value, now()));
    });
  }

  function click(ctx: Ctx, e: AttributedEvent, parent: Context, mark: (s: Span) => void): void {
    span('click', e.userKey, parent, (s) => {
      mark(s);
      s.setAttributes({ [TrackingAttr.impressionId]: e.impressionId, [TrackingAttr.campaignId]: e.campaignId });
      const info = ctx.store('impressions').get(e.impressionId);
      if (info?.t) {
        s.setAttribute(TrackingAttr.test, true);
        testEvents.add(1, { [TrackingAttr.eventType]: 'click' });
        return;
      }
      if (!info) unpriced.add(1);
      const verified: VerifiedClick = {
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
      record(ctx, e.userKey, clickTouchOf(verified));
      emit(ctx, clickEvent(verified, now()), e.originalEventId);
    });
  }

  function conversion(ctx: Ctx, e: AttributedEvent, own: Context, mark: (s: Span) => void): void {
    const touches = ctx.store('touches');
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
    // Attributed: the span's parent is the touch (the conversion joins the impression's trace),
    // with a link to the conversion's own process span; the context (event id, CPU meter) stays.
    const touchSpan = result.status === 'attributed' ? touchSpanContext(result.touch) : undefined;
    const parent = touchSpan ? trace.setSpanContext(own, touchSpan) : own;
    // Its own process span, when there is one (a parked traceparent from a process without telemetry may be invalid).
    const ownSpan = trace.getSpanContext(own);
    const links = touchSpan && ownSpan ? [ownSpan] : [];
    span(
      'conversion',
      e.userKey,
      parent,
      (s) => {
        mark(s);
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
        emit(ctx, conversionEvent(result, now()), result.touch.originalEventId);
      },
      links,
    );
  }

  return {
    impression,
    /**
     * A click or conversion, handled now: `wasParked` when it waited (released by an impression
     * or a timer), so its span continues its own process span's trace from the parked traceparent.
     */
    event(ctx: Ctx, parked: Parked, wasParked: boolean): void {
      const processSpan = spanContextOf(parked.traceparent);
      // The active context keeps what the runtime put there (event id, CPU meter); only the span is swapped.
      const own = processSpan ? trace.setSpanContext(context.active(), processSpan) : context.active();
      const mark = (s: Span) => wasParked && s.setAttribute(TrackingAttr.parked, true);
      if (parked.event.kind === 'CLICK') click(ctx, parked.event, own, mark);
      else conversion(ctx, parked.event, own, mark);
    },
  };
}

function spanContextOf(traceparent: string | null): SpanContext | undefined {
  if (!traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
  return trace.getSpanContext(extracted);
}

/** The touch's span, for a conversion to continue the impression's trace; undefined if it kept none. */
function touchSpanContext(touch: Touch): SpanContext | undefined {
  return spanContextOf(touch.traceparent);
}
