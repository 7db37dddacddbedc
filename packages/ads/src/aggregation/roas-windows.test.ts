import type { AttributedEvent } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { toRoasConfig } from './config.ts';
import { RoasAggregator } from './roas-aggregator.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 10, 1, 12);
const config = toRoasConfig({ windowMs: M, graceMs: 5 * M, retentionMs: 10 * M, generation: 2 });

const ev = (
  kind: AttributedEvent['kind'],
  id: string,
  t: number,
  over: Partial<AttributedEvent> = {},
): AttributedEvent => ({
  eventId: id,
  kind,
  originalEventId: id,
  campaignId: 'c1',
  adId: 'a1',
  userKey: 'u',
  touch: 'NONE',
  costMicros: kind === 'IMPRESSION' ? 1_000 : 0,
  valueMicros: 0,
  pctr: kind === 'IMPRESSION' ? 0.05 : 0,
  eventTimeMs: t,
  attributedAtMs: t,
  // The new fields at their defaults, as a record written before they existed reads.
  impressionId: '',
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion: null,
  ...over,
});

describe('ROAS windows', () => {
  it('counts each kind at its own event time and splits click- and view-through', () => {
    const agg = new RoasAggregator(config);
    agg.apply(ev('IMPRESSION', 'i1', T0 + 10));
    agg.apply(ev('CLICK', 'i1:click', T0 + M + 5, { costMicros: 300 }));
    agg.apply(ev('CONVERSION', 'v1', T0 + 2 * M + 1, { touch: 'CLICK', valueMicros: 7_000 }));
    agg.apply(ev('CONVERSION', 'v2', T0 + 2 * M + 2, { touch: 'VIEW', valueMicros: 500 }));
    agg.advance(T0 + 3 * M);
    const out = agg.flush(1);
    expect(
      out.map((w) => [w.windowStartMs - T0, w.impressions, w.clicks, w.conversions, w.spendMicros, w.revenueMicros]),
    ).toEqual([
      [0, 1, 0, 0, 1_000, 0],
      [M, 0, 1, 0, 300, 0],
      [2 * M, 0, 0, 2, 0, 7_500],
    ]);
    expect(out[2]).toMatchObject({
      clickThroughConversions: 1,
      viewThroughConversions: 1,
      clickThroughRevenueMicros: 7_000,
      viewThroughRevenueMicros: 500,
      generation: 2,
      currency: 'USD',
      revision: 0,
      final: false,
      completeThroughMs: T0 + 3 * M - 5 * M,
    });
    expect(out[0]).toMatchObject({ roas: 0, observedCtr: 0, predictedCtr: 0.05 });
  });

  it('emits when a window closes, restates within grace, finalizes, then only raises lateDropped', () => {
    const agg = new RoasAggregator(config);
    agg.apply(ev('IMPRESSION', 'i1', T0));
    expect(agg.flush(1)).toEqual([]); // still open
    expect(agg.apply(ev('IMPRESSION', 'i2', T0 + M))).toBe('counted'); // closes window 0
    const first = agg.flush(2);
    expect(first.map((w) => [w.windowStartMs - T0, w.revision, w.impressions])).toEqual([[0, 0, 1]]);
    expect(agg.apply(ev('IMPRESSION', 'i3', T0 + 30))).toBe('restating');
    expect(agg.apply(ev('IMPRESSION', 'i3', T0 + 30))).toBe('duplicate');
    expect(agg.flush(3).map((w) => [w.windowStartMs - T0, w.revision, w.impressions, w.final])).toEqual([
      [0, 1, 2, false],
    ]);
    agg.advance(T0 + 6 * M); // end of window 0 + grace passed; window 1 closes
    expect(agg.flush(4).map((w) => [w.windowStartMs - T0, w.revision, w.impressions, w.final])).toEqual([
      [0, 2, 2, true],
      [M, 0, 1, false],
    ]);
    expect(agg.apply(ev('IMPRESSION', 'i4', T0 + 40))).toBe('late-dropped');
    const late = agg.flush(5);
    expect(late.map((w) => [w.windowStartMs - T0, w.revision, w.impressions, w.lateDropped, w.final])).toEqual([
      [0, 3, 2, 1, true],
    ]);
    expect(agg.flush(6)).toEqual([]);
  });

  it('forgets final windows after retention and counts later data as lateUnretained', () => {
    const agg = new RoasAggregator(config);
    agg.apply(ev('IMPRESSION', 'i1', T0));
    agg.advance(T0 + 17 * M);
    expect(agg.flush(1).map((w) => [w.revision, w.final])).toEqual([[0, true]]);
    expect(Object.keys(agg.state.windows)).toEqual([]);
    expect(agg.apply(ev('IMPRESSION', 'i9', T0 + 1))).toBe('late-unretained');
    expect(agg.state.lateUnretained).toBe(1);
    // A window first seen after its grace still shows its lateDropped, with zero totals, final.
    expect(agg.apply(ev('CLICK', 'x:click', T0 + 11 * M))).toBe('late-dropped');
    expect(agg.flush(2).map((w) => [w.windowStartMs - T0, w.revision, w.clicks, w.lateDropped, w.final])).toEqual([
      [11 * M, 0, 0, 1, true],
    ]);
  });

  it('de-duplicates clicks by impression and conversions by id, first wins', () => {
    const agg = new RoasAggregator(config);
    expect(agg.apply(ev('CLICK', 'i1:click', T0 + 1, { costMicros: 10 }))).toBe('counted');
    expect(agg.apply(ev('CLICK', 'i1:click', T0 + 2, { costMicros: 99 }))).toBe('duplicate');
    expect(agg.apply(ev('CONVERSION', 'v1', T0 + 3, { touch: 'VIEW', valueMicros: 5 }))).toBe('counted');
    expect(agg.apply(ev('CONVERSION', 'v1', T0 + 4, { touch: 'CLICK', valueMicros: 50 }))).toBe('duplicate');
    agg.advance(T0 + M);
    expect(agg.flush(1)[0]).toMatchObject({
      clicks: 1,
      spendMicros: 10,
      conversions: 1,
      revenueMicros: 5,
      viewThroughConversions: 1,
    });
  });

  it('de-duplicates by the impression id when the record has one: two imps of one request are two impressions', () => {
    const agg = new RoasAggregator(config);
    const imp = (impressionId: string) =>
      ev('IMPRESSION', impressionId, T0 + 1, { impressionId, originalEventId: 'e1' });
    const click = (impressionId: string, eventId: string) =>
      ev('CLICK', eventId, T0 + 2, { impressionId, originalEventId: 'e1', costMicros: 10 });
    expect(agg.apply(imp('e1.1'))).toBe('counted');
    expect(agg.apply(imp('e1.2'))).toBe('counted');
    expect(agg.apply(click('e1.1', 'e1.1:click'))).toBe('counted');
    expect(agg.apply(click('e1.2', 'e1.2:click'))).toBe('counted');
    // The same click of e1.2 under another event id is still the one click of that impression.
    expect(agg.apply(click('e1.2', 'other'))).toBe('duplicate');
    agg.advance(T0 + M);
    expect(agg.flush(1)[0]).toMatchObject({ impressions: 2, clicks: 2, spendMicros: 2_020 });
  });

  it('state is plain JSON: a restored aggregator continues identically', () => {
    const agg = new RoasAggregator(config);
    agg.apply(ev('IMPRESSION', 'i1', T0));
    agg.apply(ev('IMPRESSION', 'i2', T0 + M));
    agg.flush(1);
    const restored = new RoasAggregator(config, JSON.parse(JSON.stringify(agg.state)));
    for (const a of [agg, restored]) a.apply(ev('IMPRESSION', 'i3', T0 + 5));
    expect(restored.flush(2)).toEqual(agg.flush(2));
  });
});
