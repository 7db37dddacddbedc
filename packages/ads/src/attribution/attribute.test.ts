import type { Impression } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import {
  type AttributeContext,
  attribute,
  type Conversion,
  clickEvent,
  clickTouchOf,
  conversionEvent,
  impressionEvent,
  type VerifiedClick,
} from './attribute.ts';
import { DEFAULT_ATTRIBUTION_CONFIG, toAttributionConfig } from './config.ts';
import { isAttributionError } from './errors.ts';
import { EMPTY_TOUCH_STATE, recordTouch, type UserTouchState, viewTouchOf } from './touches.ts';

const H = 3_600_000;
const D = 24 * H;
const T0 = Date.UTC(2026, 10, 1);

const impression = (id: string, timeMs: number, over: Partial<Impression> = {}): Impression => ({
  eventId: id,
  impressionId: `${id}.1`,
  requestId: `req-${id}`,
  impId: '1',
  userKey: 'u1',
  campaignId: `camp-${id}`,
  adId: `ad-${id}`,
  creativeId: 'cr',
  trackingToken: `tok-${id}`,
  bidType: 'CPM',
  priceMicros: 2_000,
  clickPriceMicros: 0,
  pctr: 0.02,
  eventTimeMs: timeMs,
  modelVersion: 'm1',
  test: false,
  markup: '',
  impressionUrl: '',
  clickUrl: '',
  ...over,
});

/** A click on the impression of `impression(id)`: the token names that impression's own id (`<event id>.<imp id>`). */
const click = (id: string, timeMs: number): VerifiedClick => ({
  impressionId: `${id}.1`,
  originalEventId: id,
  campaignId: `camp-${id}`,
  adId: `ad-${id}`,
  userKey: 'u1',
  timeMs,
  costMicros: 0,
  modelVersion: 'm1',
  traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
});

const conversion = (timeMs: number, over: Partial<Conversion> = {}): Conversion => ({
  conversionId: 'conv-1',
  userKey: 'u1',
  timeMs,
  valueMicros: 10_000_000,
  currency: 'USD',
  ...over,
});

const ctx = (streamTimeMs: number, overrides = {}): AttributeContext => ({
  config: toAttributionConfig(overrides),
  rates: { USD: 1, EUR: 1.25 },
  streamTimeMs,
});

function build(touches: Array<['view', Impression] | ['click', VerifiedClick]>, config = DEFAULT_ATTRIBUTION_CONFIG) {
  let state: UserTouchState = EMPTY_TOUCH_STATE;
  for (const [kind, x] of touches) {
    const touch = kind === 'view' ? viewTouchOf(x as Impression) : clickTouchOf(x as VerifiedClick);
    state = recordTouch(state, touch, touch.timeMs, config);
  }
  return state;
}

describe('attribute (last touch)', () => {
  it('credits the last click within the click window over a later impression', () => {
    const state = build([
      ['view', impression('i1', T0)],
      ['click', click('i1', T0 + 1000)],
      ['view', impression('i2', T0 + 2 * H)],
      ['click', click('i3', T0 + 3 * D)],
      ['view', impression('i4', T0 + 4 * D)],
    ]);
    const { result } = attribute(state, conversion(T0 + 4 * D + H), ctx(T0 + 4 * D + H));
    expect(result.status).toBe('attributed');
    if (result.status !== 'attributed') return;
    expect(result.touch).toMatchObject({
      type: 'CLICK',
      impressionId: 'i3.1',
      eventId: 'i3.1:click',
      originalEventId: 'i3',
      timeMs: T0 + 3 * D,
    });
  });

  it('falls back to the last impression within the view window when no click qualifies', () => {
    const state = build([
      ['click', click('i1', T0)],
      ['view', impression('i2', T0 + 7 * D + 2 * H)],
      ['view', impression('i3', T0 + 7 * D + 3 * H)],
    ]);
    // 7 days + 4 h after the click: outside the click window; 1 h after i3: inside the view window.
    const { result } = attribute(state, conversion(T0 + 7 * D + 4 * H), ctx(T0 + 7 * D + 4 * H));
    expect(result.status === 'attributed' && result.touch).toMatchObject({
      type: 'VIEW',
      impressionId: 'i3.1',
      eventId: 'i3.1',
      originalEventId: 'i3',
    });
  });

  it('includes the window bound and excludes one millisecond more', () => {
    const state = build([['click', click('i1', T0)]]);
    const at = (t: number) => attribute(state, conversion(t), ctx(t)).result;
    expect(at(T0 + 7 * D).status).toBe('attributed');
    expect(at(T0 + 7 * D + 1)).toMatchObject({ status: 'unattributed', reason: 'OUTSIDE_WINDOW' });
    const views = build([['view', impression('i1', T0)]]);
    expect(attribute(views, conversion(T0 + D), ctx(T0 + D)).result.status).toBe('attributed');
    expect(attribute(views, conversion(T0 + D + 1), ctx(T0 + D + 1)).result.status).toBe('unattributed');
  });

  it('takes configured windows', () => {
    const config = toAttributionConfig({ clickWindowMs: H, viewWindowMs: 60_000 });
    const state = build(
      [
        ['view', impression('i1', T0)],
        ['click', click('i2', T0 + 1000)],
      ],
      config,
    );
    const c = (t: number) => attribute(state, conversion(t), { ...ctx(t), config }).result;
    expect(c(T0 + 30_000)).toMatchObject({ status: 'attributed', touch: { type: 'CLICK', impressionId: 'i2.1' } });
    expect(c(T0 + H + 1000)).toMatchObject({ status: 'attributed', touch: { type: 'CLICK' } });
    expect(c(T0 + H + 1001)).toMatchObject({ status: 'unattributed', reason: 'OUTSIDE_WINDOW' });
    expect(() => toAttributionConfig({ viewWindowMs: -1 })).toThrow(/viewWindowMs/);
  });

  it('ignores touches after the conversion and says NO_TOUCH when none came before', () => {
    const state = build([
      ['click', click('i1', T0 + 5000)],
      ['view', impression('i1', T0 + 4000)],
    ]);
    expect(attribute(state, conversion(T0), ctx(T0 + 5000)).result).toMatchObject({
      status: 'unattributed',
      reason: 'NO_TOUCH',
    });
    expect(attribute(EMPTY_TOUCH_STATE, conversion(T0), ctx(T0)).result).toMatchObject({
      status: 'unattributed',
      reason: 'NO_TOUCH',
    });
  });

  it('converts the value to USD and keeps the original currency and value', () => {
    const state = build([['click', click('i1', T0)]]);
    const { result } = attribute(state, conversion(T0 + H, { currency: 'eur', valueMicros: 8_000_001 }), ctx(T0 + H));
    expect(result).toMatchObject({
      valueUsdMicros: 10_000_001,
      originalCurrency: 'EUR',
      originalValueMicros: 8_000_001,
    });
    if (result.status !== 'attributed') throw new Error('expected attributed');
    const event = conversionEvent(result, T0 + H + 5);
    expect(event).toMatchObject({
      eventId: 'conv-1',
      kind: 'CONVERSION',
      campaignId: 'camp-i1',
      touch: 'CLICK',
      valueMicros: 10_000_001,
      costMicros: 0,
      eventTimeMs: T0 + H,
      originalEventId: 'i1',
      impressionId: 'i1.1',
      touchEventId: 'i1.1:click',
      touchTimeMs: T0,
      originalCurrency: 'EUR',
      originalValueMicros: 8_000_001,
    });
  });

  it('throws a typed error for an unknown currency, even without a touch', () => {
    try {
      attribute(EMPTY_TOUCH_STATE, conversion(T0, { currency: 'XYZ' }), ctx(T0));
      expect.unreachable();
    } catch (error) {
      expect(isAttributionError(error) && error.code).toBe('UNKNOWN_CURRENCY');
    }
    expect(() => attribute(EMPTY_TOUCH_STATE, conversion(T0, { valueMicros: 1.5 }), ctx(T0))).toThrow(/micros/);
  });

  it('maps impressions and clicks to records that count spend where it is charged', () => {
    expect(impressionEvent(impression('i1', T0), T0 + 1)).toMatchObject({
      eventId: 'i1.1',
      impressionId: 'i1.1',
      originalEventId: 'i1',
      kind: 'IMPRESSION',
      costMicros: 2_000,
      pctr: 0.02,
    });
    const cpc = impression('i2', T0, { bidType: 'CPC', priceMicros: 0, clickPriceMicros: 500_000 });
    expect(impressionEvent(cpc, T0).costMicros).toBe(0);
    const c = { ...click('i2', T0 + 10), costMicros: 500_000 };
    expect(clickEvent(c, T0 + 11)).toMatchObject({
      eventId: 'i2.1:click',
      kind: 'CLICK',
      costMicros: 500_000,
      impressionId: 'i2.1',
      originalEventId: 'i2',
    });
  });

  it('keeps two imps of one request apart: each is its own touch, click and record', () => {
    const first = impression('e1', T0);
    const second = impression('e1', T0, { impId: '2', impressionId: 'e1.2', campaignId: 'camp-second' });
    const clickOn = (imp: Impression, timeMs: number): VerifiedClick => ({
      ...click('e1', timeMs),
      impressionId: imp.impressionId,
      campaignId: imp.campaignId,
    });
    const state = build([
      ['view', first],
      ['view', second],
      ['click', clickOn(first, T0 + 1000)],
      ['click', clickOn(second, T0 + 2000)],
    ]);
    expect(state.views.map((t) => t.eventId)).toEqual(['e1.1', 'e1.2']);
    expect(state.clicks.map((t) => t.eventId)).toEqual(['e1.1:click', 'e1.2:click']);
    expect(state.clicks.map((t) => t.originalEventId)).toEqual(['e1', 'e1']);
    const { result } = attribute(state, conversion(T0 + H), ctx(T0 + H));
    expect(result.status === 'attributed' && result.touch).toMatchObject({
      campaignId: 'camp-second',
      impressionId: 'e1.2',
    });
    expect([impressionEvent(first, T0).eventId, impressionEvent(second, T0).eventId]).toEqual(['e1.1', 'e1.2']);
  });

  it('derives the impression id of a record written before Impression carried it', () => {
    const old = impression('e1', T0, { impId: '3', impressionId: '' });
    expect(viewTouchOf(old)).toMatchObject({ impressionId: 'e1.3', eventId: 'e1.3', originalEventId: 'e1' });
    expect(impressionEvent(old, T0)).toMatchObject({ eventId: 'e1.3', impressionId: 'e1.3' });
  });
});
