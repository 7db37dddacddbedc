import type { FrequencyCap } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { type CapState, capAllows, capStateTtlMs, countInWindow, recordImpression } from './frequency-cap.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const caps: FrequencyCap[] = [
  { maxImpressions: 2, windowMs: HOUR },
  { maxImpressions: 3, windowMs: DAY },
];

function served(times: number[]): CapState | undefined {
  return times.reduce<CapState | undefined>((s, t) => recordImpression(caps, s, t), undefined);
}

describe('frequency caps across windows', () => {
  it('the hourly cap bites within the hour and lets go after it', () => {
    const s = served([0, 10 * MIN]);
    expect(capAllows(caps, s, 20 * MIN)).toBe(false);
    expect(capAllows(caps, s, HOUR - 1)).toBe(false);
    expect(capAllows(caps, s, HOUR)).toBe(true); // the first impression left the sliding hour
  });

  it('the daily cap bites after the hourly one has let go, until a day after the oldest', () => {
    const s = served([0, 10 * MIN, 2 * HOUR]);
    expect(capAllows(caps, s, 4 * HOUR)).toBe(false); // 1 in the last hour, but 3 today
    expect(capAllows(caps, s, DAY - 1)).toBe(false);
    expect(capAllows(caps, s, DAY)).toBe(true);
  });

  it('no state or no caps allows', () => {
    expect(capAllows(caps, undefined, 0)).toBe(true);
    expect(capAllows([], served([0, 1, 2]), 3)).toBe(true);
  });

  it('a late impression is inserted in time order and counted', () => {
    const s = served([30 * MIN, 5 * MIN]);
    expect(s?.times).toEqual([5 * MIN, 30 * MIN]);
    expect(capAllows(caps, s, 40 * MIN)).toBe(false);
  });

  it('the state stays bounded: only what the caps can still see is kept', () => {
    const s = served(Array.from({ length: 50 }, (_, i) => i * MIN));
    expect(s?.times.length).toBeLessThanOrEqual(3);
    expect(countInWindow(s!, HOUR, 50 * MIN)).toBe(3); // clipped at the largest max, enough to decide
    const later = recordImpression(caps, s, 3 * DAY);
    expect(later.times).toEqual([3 * DAY]);
  });

  it('the TTL of a state is the longest window', () => {
    expect(capStateTtlMs(caps)).toBe(DAY);
  });
});
