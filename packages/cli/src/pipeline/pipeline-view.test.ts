import { describe, expect, it } from 'vitest';
import { noFillText } from './pipeline-view.ts';

describe("the live view's no-fill rate (the outcomes table's, of imps auctioned)", () => {
  it('says the rate and of how many imps, or why there is none', () => {
    expect(noFillText({ outcomes: 40, noFillRate: 0.075 })).toBe('7.5 % of 40 imps');
    expect(noFillText({ outcomes: 0, noFillRate: 0 })).toBe('– (no auctions yet)');
    expect(noFillText(undefined)).toBe('– (warehouse unreachable)');
  });
});
