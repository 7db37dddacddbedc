import type { RoasWindow } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { applyRoasRecord, currentRows, EMPTY_ROAS_TABLE, type RoasTable } from './generations.ts';

const row = (
  campaignId: string,
  generation: number,
  revision: number,
  completeThroughMs: number,
  impressions: number,
  window: { startMs: number; final: boolean } = { startMs: 0, final: false },
): RoasWindow => ({
  campaignId,
  windowStartMs: window.startMs,
  windowEndMs: window.startMs + 60_000,
  impressions,
  clicks: 0,
  conversions: 0,
  spendMicros: 0,
  revenueMicros: 0,
  roas: null,
  observedCtr: null,
  predictedCtr: null,
  completeThroughMs,
  final: window.final,
  revision,
  emittedAtMs: 0,
  generation,
  currency: 'USD',
  lateDropped: 0,
  clickThroughConversions: 0,
  viewThroughConversions: 0,
  clickThroughRevenueMicros: 0,
  viewThroughRevenueMicros: 0,
});

const apply = (records: RoasWindow[]): RoasTable => records.reduce(applyRoasRecord, EMPTY_ROAS_TABLE);

describe('restatements and generations', () => {
  it('keeps the highest revision whatever the arrival order', () => {
    const t = apply([row('a', 0, 1, 10, 5), row('a', 0, 0, 5, 3), row('a', 0, 1, 10, 5)]);
    expect(currentRows(t).map((r) => [r.revision, r.impressions])).toEqual([[1, 5]]);
  });

  it('switches to a rebuild only once it has caught up on every campaign, and never back', () => {
    let t = apply([row('a', 0, 3, 1_000, 10), row('b', 0, 1, 800, 7)]);
    t = applyRoasRecord(t, row('a', 1, 0, 1_200, 11)); // ahead on a, but b not yet seen
    expect(t.current).toBe(0);
    t = applyRoasRecord(t, row('b', 1, 0, 799, 8));
    expect(t.current).toBe(0);
    t = applyRoasRecord(t, row('b', 1, 1, 800, 8));
    expect(t.current).toBe(1);
    expect(currentRows(t).map((r) => [r.campaignId, r.generation, r.impressions])).toEqual([
      ['a', 1, 11],
      ['b', 1, 8],
    ]);
    t = applyRoasRecord(t, row('a', 0, 9, 5_000, 99)); // the old generation keeps going: ignored
    expect(t.current).toBe(1);
    expect(currentRows(t)[0]!.impressions).toBe(11);
  });

  // A quiet pipeline: the last windows went final on the idle policy's wall-clock ticks, and each
  // process's tick overshoots the window's end by its own fraction of a second. Found from a
  // user's seat: `adtrace roas rebuild` on a pipeline without traffic never finished (121 of 198
  // campaigns "caught up", flapping as each minute closed).
  it('switches once the rebuild has made final every window the current generation has, whatever tick closed them', () => {
    const final = (startMs: number) => ({ startMs, final: true });
    let t = apply([
      row('a', 0, 0, 30_000, 4, { startMs: 0, final: false }),
      row('a', 0, 1, 60_400, 4, final(0)),
      row('b', 0, 0, 120_700, 2, final(60_000)),
    ]);
    t = applyRoasRecord(t, row('a', 1, 0, 60_100, 4, final(0))); // closed by an earlier tick
    expect(t.current).toBe(0);
    t = applyRoasRecord(t, row('b', 1, 0, 120_050, 2, final(60_000)));
    expect(t.current).toBe(1);
    expect(currentRows(t).map((r) => [r.campaignId, r.generation, r.final])).toEqual([
      ['a', 1, true],
      ['b', 1, true],
    ]);
  });

  it('does not switch on final windows while the current generation still has one open', () => {
    let t = apply([
      row('a', 0, 0, 60_400, 4, { startMs: 0, final: true }),
      row('a', 0, 0, 60_400, 1, { startMs: 60_000, final: false }),
    ]);
    t = applyRoasRecord(t, row('a', 1, 0, 60_100, 4, { startMs: 0, final: true }));
    expect(t.current).toBe(0); // its open window [60 s, 120 s) has events the rebuild has not shown
    t = applyRoasRecord(t, row('a', 1, 0, 60_400, 1, { startMs: 60_000, final: false }));
    expect(t.current).toBe(1);
  });
});
