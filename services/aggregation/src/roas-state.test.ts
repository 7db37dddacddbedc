import { toRoasConfig } from '@adtrace/ads';
import type { AttributedEvent } from '@adtrace/schemas';
import { exampleAttributedEvent } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { accumulate, lateEvent, MAX_LINKS, type RoasAccumulator, retainedUntil, windowRecord } from './roas-state.ts';

const config = toRoasConfig({ windowMs: 60_000, graceMs: 300_000, retentionMs: 3_600_000, generation: 2 });
const T0 = 1_800_000_000_000; // a window start (multiple of 60 s)
const impression = (n: number, over: Partial<AttributedEvent> = {}): AttributedEvent => ({
  ...exampleAttributedEvent,
  kind: 'IMPRESSION',
  eventId: `imp-${n}`,
  impressionId: `imp-${n}`,
  touch: 'NONE',
  costMicros: 2_500,
  valueMicros: 0,
  pctr: 0.05,
  eventTimeMs: T0 + n,
  ...over,
});
const at = (streamTimeMs: number) => ({ campaignId: 'cmp-42', windowStartMs: T0, streamTimeMs, emittedAtMs: 7 });
const windowOf = (n: number): RoasAccumulator => {
  let acc: RoasAccumulator | undefined;
  for (let i = 0; i < n; i++)
    acc = accumulate(acc, impression(i), [`${i}`.padStart(32, '0'), `${i}`.padStart(16, '0')]);
  return acc!;
};

describe('accumulate', () => {
  it('adds each event to the totals and keeps the first MAX_LINKS span contexts', () => {
    const acc = windowOf(MAX_LINKS + 5);
    expect(acc.totals.impressions).toBe(MAX_LINKS + 5);
    expect(acc.totals.spendMicros).toBe((MAX_LINKS + 5) * 2_500);
    expect(acc.events).toBe(MAX_LINKS + 5);
    expect(acc.links).toHaveLength(MAX_LINKS);
    expect(acc.links[0]![1]).toBe('0'.padStart(16, '0'));
  });

  it('counts a conversion at its own time with its revenue and touch', () => {
    const acc = accumulate(undefined, exampleAttributedEvent, undefined);
    expect(acc.totals).toMatchObject({ conversions: 1, clickThroughConversions: 1, revenueMicros: 49_990_000 });
    expect(acc.links).toEqual([]);
  });
});

describe('windowRecord', () => {
  it('numbers closed, restated and final revisions 0, 1, 2 with the generation and completeThroughMs', () => {
    const closed = windowRecord(windowOf(2).totals, undefined, false, at(T0 + 60_000), config);
    expect(closed.record).toMatchObject({
      revision: 0,
      final: false,
      impressions: 2,
      generation: 2,
      currency: 'USD',
      windowEndMs: T0 + 60_000,
      completeThroughMs: T0 + 60_000 - 300_000,
      emittedAtMs: 7,
    });
    const restated = windowRecord(windowOf(3).totals, closed.meta, false, at(T0 + 90_000), config);
    expect(restated.record).toMatchObject({ revision: 1, final: false, impressions: 3 });
    const final = windowRecord(windowOf(3).totals, restated.meta, true, at(T0 + 360_000), config);
    expect(final.record).toMatchObject({ revision: 2, final: true, impressions: 3, lateDropped: 0 });
  });
});

describe('lateEvent', () => {
  it('counts an event late for a window the runtime still holds; its final record carries the count', () => {
    const closed = windowRecord(windowOf(2).totals, undefined, false, at(T0 + 60_000), config);
    const late = lateEvent(closed.meta, true, true, at(T0 + 400_000), config);
    expect(late.record).toBeNull();
    expect(late.meta?.lateDropped).toBe(1);
    const final = windowRecord(windowOf(2).totals, late.meta!, true, at(T0 + 400_000), config);
    expect(final.record).toMatchObject({ revision: 1, final: true, impressions: 2, lateDropped: 1 });
  });

  it('restates a final window: revision + 1, same totals, lateDropped + 1', () => {
    const final = windowRecord(windowOf(2).totals, undefined, true, at(T0 + 400_000), config);
    const late = lateEvent(final.meta, false, true, at(T0 + 500_000), config);
    expect(late.record).toEqual({ ...final.record, revision: 1, lateDropped: 1, completeThroughMs: T0 + 200_000 });
    expect(lateEvent(late.meta!, false, true, at(T0 + 500_000), config).record).toMatchObject({
      revision: 2,
      lateDropped: 2,
      impressions: 2,
    });
  });

  it('a window never seen within retention is emitted final with zeros and lateDropped 1; beyond retention only the late topic has it', () => {
    const seen = lateEvent(undefined, false, true, at(T0 + 500_000), config);
    expect(seen.record).toMatchObject({ revision: 0, final: true, impressions: 0, spendMicros: 0, lateDropped: 1 });
    expect(lateEvent(undefined, false, false, at(T0 + 5_000_000), config)).toEqual({ record: null, meta: null });
    expect(retainedUntil(T0, config)).toBe(T0 + 60_000 + 300_000 + 3_600_000);
  });
});
