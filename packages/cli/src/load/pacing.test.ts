import { describe, expect, it } from 'vitest';
import { dueAtMs, dueCount, progressLine } from './pacing.ts';

describe('pacing', () => {
  it('releases events at the rate, bounded by the total', () => {
    expect(dueCount(-1, 100, 10)).toBe(0);
    expect(dueCount(0, 100, 1000)).toBe(1);
    expect(dueCount(999, 100, 1000)).toBe(100);
    expect(dueCount(1000, 100, 1000)).toBe(101);
    expect(dueCount(60_000, 100, 1000)).toBe(1000);
    expect(dueAtMs(250, 500)).toBe(500);
    // Round trip: event i is due exactly when dueCount first counts it.
    for (const i of [1, 7, 333]) expect(dueCount(dueAtMs(i, 37), 37, 10_000)).toBe(i + 1);
  });

  it('draws a bar, the count, the share and the achieved rate', () => {
    expect(progressLine(5000, 10_000, 5000, 10)).toBe('[#####.....]  5,000/10,000  50%  1,000/s  5.0 s');
    expect(progressLine(0, 0, 0, 4)).toBe('[####]  0/0  100%  0/s  0.0 s');
  });
});
