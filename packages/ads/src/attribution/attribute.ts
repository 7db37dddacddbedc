import type { AttributedEvent, Impression } from '@adtrace/schemas';
import type { AttributionConfig } from './config.ts';
import { type CurrencyRates, toUsdMicros } from './currency.ts';
import { clickEventIdOf, pruneTouches, type Touch, touchIdOf, type UserTouchState } from './touches.ts';

/** A click whose tracking token verified: what the token says about its impression, plus the click time. */
export interface VerifiedClick {
  readonly impressionId: string;
  readonly originalEventId: string;
  readonly campaignId: string;
  readonly adId: string;
  readonly userKey: string;
  readonly timeMs: number;
  /** What the click costs in micros (CPC price); 0 for CPM ads, already charged on the impression. */
  readonly costMicros: number;
  /** pCTR model version that scored the impression (from its token); null when none ran. */
  readonly modelVersion: string | null;
  readonly traceparent: string | null;
}

/** A conversion with its user key already derived from the pixel's user id. */
export interface Conversion {
  readonly conversionId: string;
  readonly userKey: string;
  readonly timeMs: number;
  /** Value in micros of `currency`. */
  readonly valueMicros: number;
  readonly currency: string;
}

export interface AttributeContext {
  readonly config: AttributionConfig;
  readonly rates: CurrencyRates;
  /** The partition's stream time (max event time seen), which prunes the state. */
  readonly streamTimeMs: number;
}

interface ConversionValue {
  readonly conversion: Conversion;
  readonly valueUsdMicros: number;
  readonly originalCurrency: string;
  readonly originalValueMicros: number;
}

/**
 * Attributed: credited to `touch`. Unattributed: no touch before the conversion is within its
 * window — NO_TOUCH when the state holds no touch at or before the conversion, OUTSIDE_WINDOW
 * when it holds some but all are too old. An unattributed conversion credits no campaign, so
 * it produces no AttributedEvent; the service counts it and logs it (without the user key).
 */
export type AttributionResult =
  | (ConversionValue & { readonly status: 'attributed'; readonly touch: Touch })
  | (ConversionValue & { readonly status: 'unattributed'; readonly reason: 'NO_TOUCH' | 'OUTSIDE_WINDOW' });

/** The newest touch with touchTime <= t and t - touchTime <= windowMs; lists are sorted ascending. */
function lastWithin(touches: readonly Touch[], t: number, windowMs: number): Touch | undefined {
  for (let i = touches.length - 1; i >= 0; i--) {
    const touch = touches[i]!;
    if (touch.timeMs > t) continue;
    return t - touch.timeMs <= windowMs ? touch : undefined;
  }
  return undefined;
}

/**
 * Last touch: the user's last click within the click window, else the user's last impression
 * within the view window (both bounds inclusive). Uses the touches recorded so far: a click
 * that arrives after its conversion was attributed does not re-attribute it. Throws
 * AttributionError for an unknown currency or an invalid value.
 */
export function attribute(
  state: UserTouchState,
  conversion: Conversion,
  ctx: AttributeContext,
): { result: AttributionResult; nextState: UserTouchState } {
  const usd = toUsdMicros(conversion.valueMicros, conversion.currency, ctx.rates);
  const value: ConversionValue = { conversion, ...usd };
  const t = conversion.timeMs;
  const touch =
    lastWithin(state.clicks, t, ctx.config.clickWindowMs) ?? lastWithin(state.views, t, ctx.config.viewWindowMs);
  const nextState = pruneTouches(state, ctx.streamTimeMs, ctx.config);
  if (touch) return { result: { ...value, status: 'attributed', touch }, nextState };
  const anyBefore = state.clicks.some((c) => c.timeMs <= t) || state.views.some((v) => v.timeMs <= t);
  return { result: { ...value, status: 'unattributed', reason: anyBefore ? 'OUTSIDE_WINDOW' : 'NO_TOUCH' }, nextState };
}

export function clickTouchOf(click: VerifiedClick): Touch {
  return {
    type: 'CLICK',
    impressionId: click.impressionId,
    eventId: clickEventIdOf(click.impressionId),
    timeMs: click.timeMs,
    campaignId: click.campaignId,
    adId: click.adId,
    originalEventId: click.originalEventId,
    traceparent: click.traceparent,
  };
}

const NO_TOUCH_FIELDS = {
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
} as const;

/** The IMPRESSION record for aggregation: impressions and CPM spend count at the impression's time. */
export function impressionEvent(impression: Impression, attributedAtMs: number): AttributedEvent {
  const impressionId = touchIdOf(impression);
  return {
    eventId: impressionId,
    kind: 'IMPRESSION',
    originalEventId: impression.eventId,
    campaignId: impression.campaignId,
    adId: impression.adId,
    userKey: impression.userKey,
    touch: 'NONE',
    costMicros: impression.bidType === 'CPM' ? impression.priceMicros : 0,
    valueMicros: 0,
    pctr: impression.pctr,
    eventTimeMs: impression.eventTimeMs,
    attributedAtMs,
    impressionId,
    modelVersion: impression.modelVersion,
    ...NO_TOUCH_FIELDS,
  };
}

/** The CLICK record: clicks and CPC spend count at the click's time. */
export function clickEvent(click: VerifiedClick, attributedAtMs: number): AttributedEvent {
  return {
    eventId: clickEventIdOf(click.impressionId),
    kind: 'CLICK',
    originalEventId: click.originalEventId,
    campaignId: click.campaignId,
    adId: click.adId,
    userKey: click.userKey,
    touch: 'NONE',
    costMicros: click.costMicros,
    valueMicros: 0,
    pctr: 0,
    eventTimeMs: click.timeMs,
    attributedAtMs,
    impressionId: click.impressionId,
    modelVersion: click.modelVersion,
    ...NO_TOUCH_FIELDS,
  };
}

/** The CONVERSION record of an attributed conversion: counts at the conversion's time, value in USD. */
export function conversionEvent(
  result: Extract<AttributionResult, { status: 'attributed' }>,
  attributedAtMs: number,
): AttributedEvent {
  const { conversion, touch } = result;
  return {
    eventId: conversion.conversionId,
    kind: 'CONVERSION',
    originalEventId: touch.originalEventId,
    campaignId: touch.campaignId,
    adId: touch.adId,
    userKey: conversion.userKey,
    touch: touch.type,
    costMicros: 0,
    valueMicros: result.valueUsdMicros,
    pctr: 0,
    eventTimeMs: conversion.timeMs,
    attributedAtMs,
    impressionId: touch.impressionId,
    touchEventId: touch.eventId,
    touchTimeMs: touch.timeMs,
    originalCurrency: result.originalCurrency,
    originalValueMicros: result.originalValueMicros,
    modelVersion: null,
  };
}
