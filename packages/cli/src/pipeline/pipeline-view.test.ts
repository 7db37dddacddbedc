import { describe, expect, it } from 'vitest';
import { costText, noFillText, roasLines } from './pipeline-view.ts';

describe("the live view's no-fill rate (the outcomes table's, of imps auctioned)", () => {
  it('says the rate and of how many imps, or why there is none', () => {
    expect(noFillText({ outcomes: 40, noFillRate: 0.075 })).toBe('7.5 % of 40 imps');
    expect(noFillText({ outcomes: 0, noFillRate: 0 })).toBe('– (no auctions yet)');
    expect(noFillText(undefined)).toBe('– (warehouse unreachable)');
  });
});

describe("the live view's ROAS lines (provisional from attributed events, and closed windows)", () => {
  it('says which figures are which, and why there are none', () => {
    expect(roasLines({ campaigns: [] }, { windows: [] })).toEqual([
      '  ROAS last 5 min, provisional (attributed events, top 3 by spend): no spend yet',
      '  ROAS closed windows (adtrace.roas, top 3 by spend): no window with spend yet',
    ]);
    expect(roasLines(undefined, undefined).every((l) => l.endsWith(': warehouse unreachable'))).toBe(true);
  });

  it('gives amounts to 3 significant digits, never cents rounded to $0.00', () => {
    const [live] = roasLines(
      {
        campaigns: [
          { campaignId: 'cmp-1', spendMicros: 125_450, revenueMicros: 0 },
          { campaignId: 'cmp-0', spendMicros: 0, revenueMicros: 0 }, // spent nothing: left out
          { campaignId: 'cmp-2', spendMicros: 7_340, revenueMicros: 14_680 },
          { campaignId: 'cmp-3', spendMicros: 123_456_789, revenueMicros: 1 },
          { campaignId: 'cmp-4', spendMicros: 1, revenueMicros: 0 },
        ],
      },
      { windows: [] },
    );
    expect(live).toBe(
      '  ROAS last 5 min, provisional (attributed events, top 3 by spend): cmp-1 ROAS 0.00 (spent $0.125, revenue $0), ' +
        'cmp-2 ROAS 2.00 (spent $0.00734, revenue $0.0147), cmp-3 ROAS 0.00 (spent $123.46, revenue $0.00000100)',
    );
  });

  it('sums the closed windows per campaign and ranks them by spend', () => {
    const w = (campaignId: string, spendMicros: number, revenueMicros: number) => ({
      campaignId,
      spendMicros,
      revenueMicros,
    });
    const [, closed] = roasLines(
      { campaigns: [] },
      { windows: [w('a', 10_000, 0), w('b', 15_000, 30_000), w('a', 10_000, 50_000)] },
    );
    expect(closed).toBe(
      '  ROAS closed windows (adtrace.roas, top 3 by spend): a ROAS 2.50 (spent $0.0200, revenue $0.0500), b ROAS 2.00 (spent $0.0150, revenue $0.0300)',
    );
  });
});

describe("the live view's cost per 1,000 events (the pipeline's, and the warehouse's queries apart)", () => {
  const stage = (name: string, queryUsd = 0) => ({ stage: name, latencyP50Ms: 1, latencyP99Ms: 2, queryUsd });

  it('takes the query API’s cost out of the pipeline’s figure and says it apart', () => {
    // 1,000 events at $0.02 per 1,000: $0.018 of it the warehouse's queries (this view asking).
    const cost = { events: 1000, costPerEventUsd: 0.00002, stages: [stage('auction'), stage('warehouse', 0.018)] };
    expect(costText(cost)).toBe("$0.00200 + $0.0180 of warehouse queries (this view's among them)");
  });

  it('is the whole figure when nothing was queried, and a dash before any event', () => {
    expect(costText({ events: 10, costPerEventUsd: 0.000002, stages: [stage('auction'), stage('warehouse')] })).toBe(
      '$0.00200',
    );
    expect(costText({ events: 0, costPerEventUsd: 0, stages: [] })).toBe('–');
    expect(costText(undefined)).toBe('–');
  });
});
