// The benches' stage rates: a stage that passes 10 % and 90 % of its share between two samples
// was reported at 0 events/s (bench pipeline, 1,500 events, ingest), and so was the pipeline.
import { describe, expect, it } from 'vitest';
import { rateBetween } from '../../bench/rate.ts';

describe('rateBetween', () => {
  it('measures a steady count between its 10 % and 90 % samples', () => {
    const marks = Array.from({ length: 11 }, (_, i) => ({ at: i * 250, n: i * 100 }));
    expect(rateBetween(marks, 1000)).toBeCloseTo(400, 6); // 100 per 250 ms
  });

  it('measures a count that passes both marks between two samples over that interval, not as 0', () => {
    const marks = [
      { at: 0, n: 0 },
      { at: 250, n: 50 },
      { at: 500, n: 1000 },
      { at: 750, n: 1000 },
    ];
    expect(rateBetween(marks, 1000)).toBeCloseTo(3800, 6); // 950 in 250 ms
  });

  it('is NaN, not a number to trust, when the count never got there', () => {
    expect(rateBetween([{ at: 0, n: 10 }], 1000)).toBeNaN();
    expect(rateBetween([], 1000)).toBeNaN();
  });
});
