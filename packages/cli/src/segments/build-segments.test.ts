import { describe, expect, it } from 'vitest';
import { activityConditions } from './build-segments.ts';

const NOW = 1_790_000_000_000;
const DAY = 86_400_000;

describe('behavioural criteria as warehouse conditions', () => {
  it('counts relative to now, with the campaigns and bounds given', () => {
    expect(
      activityConditions(
        [
          { type: 'impressions', withinDays: 7, min: 2, max: 9, campaigns: ['cmp-1'] },
          { type: 'clicks', withinDays: 1, min: 1 },
          { type: 'conversions', withinDays: 30, min: 0, max: 0 },
        ],
        NOW,
      ),
    ).toEqual([
      { events: 'impression', measure: 'count', sinceMs: NOW - 7 * DAY, min: 2, max: 9, campaignIds: ['cmp-1'] },
      { events: 'click', measure: 'count', sinceMs: NOW - DAY, min: 1 },
      { events: 'conversion', measure: 'count', sinceMs: NOW - 30 * DAY, min: 0, max: 0 },
    ]);
  });

  it('conversion value in USD becomes micros, rounded', () => {
    expect(
      activityConditions([{ type: 'conversion_value', withinDays: 2, minUsd: 99.9999995, maxUsd: 250 }], NOW),
    ).toEqual([
      { events: 'conversion', measure: 'value_micros', sinceMs: NOW - 2 * DAY, min: 100_000_000, max: 250_000_000 },
    ]);
  });
});
