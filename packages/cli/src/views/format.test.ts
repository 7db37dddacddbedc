import { describe, expect, it } from 'vitest';
import { ms } from './format.ts';

describe('ms', () => {
  it('keeps milliseconds under 10 s, with fewer decimals as they grow', () => {
    expect([0.123, 12.34, 286, 9_652].map(ms)).toEqual(['0.12ms', '12.3ms', '286ms', '9652ms']);
  });

  // `adtrace cost` printed a trace that a click joined 14 minutes later as "p99 859624ms".
  it('says seconds, minutes, hours and days past them', () => {
    expect([10_000, 95_500, 859_624, 7_200_000, 3 * 86_400_000].map(ms)).toEqual([
      '10.0s',
      '95.5s',
      '14.3min',
      '2.0h',
      '3.0d',
    ]);
  });
});
