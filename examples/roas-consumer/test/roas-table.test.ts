// The example's table rule on its own (no broker): the quiet pipeline's rebuild, whose windows went
// final on other idle ticks than the current generation's, becomes current; an open window of the
// current generation holds it back.
import { describe, expect, it } from 'vitest';
import type { RoasWindow } from '../src/roas-codec.ts';
import { RoasTable } from '../src/roas-table.ts';

const t0 = 1_763_769_600_000;
const record = (
  campaignId: string,
  generation: number,
  minute: number,
  final: boolean,
  completeThroughMs: number,
): RoasWindow => ({
  campaignId,
  windowStartMs: t0 + minute * 60_000,
  windowEndMs: t0 + (minute + 1) * 60_000,
  impressions: 1,
  clicks: 0,
  conversions: 0,
  spendMicros: 1_000,
  revenueMicros: 0,
  roas: 0,
  observedCtr: 0,
  predictedCtr: 0.02,
  revision: final ? 1 : 0,
  final,
  completeThroughMs,
  emittedAtMs: completeThroughMs,
  generation,
  lateDropped: 0,
  clickThroughConversions: 0,
  viewThroughConversions: 0,
  clickThroughRevenueMicros: 0,
  viewThroughRevenueMicros: 0,
  currency: 'USD',
});

describe('the example RoasTable', () => {
  it('switches to a rebuild that made final every window the current generation has, whatever tick closed them', () => {
    const table = new RoasTable();
    table.apply(record('a', 0, 0, true, t0 + 60_400));
    table.apply(record('b', 0, 0, false, t0 + 30_000));
    table.apply(record('b', 0, 1, false, t0 + 90_000));
    expect(table.apply(record('a', 1, 0, true, t0 + 60_100))).toBeUndefined();
    expect(table.apply(record('b', 1, 0, true, t0 + 60_100))).toBeUndefined(); // b's second window is open in 0
    table.apply(record('b', 0, 1, true, t0 + 120_500));
    expect(table.apply(record('b', 1, 1, true, t0 + 120_200))).toBe(1);
    expect(table.rows().map((r) => [r.campaignId, r.generation, r.final])).toEqual([
      ['a', 1, true],
      ['b', 1, true],
      ['b', 1, true],
    ]);
  });
});
