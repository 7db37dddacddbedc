import type { Campaign } from '@adtrace/schemas';
import { exampleCampaign } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { campaignScope, needsCatalog } from './campaign-scope.ts';
import type { CountCriterion } from './definitions.ts';

const campaign = (id: string, advertiserId: string, cats: string[][]): Campaign => ({
  ...exampleCampaign,
  id,
  advertiserId,
  ads: cats.map((cat, i) => ({
    ...exampleCampaign.ads[0]!,
    id: `${id}-ad-${i}`,
    creative: { ...exampleCampaign.ads[0]!.creative, cat },
  })),
});

const catalog = [
  campaign('c1', 'adv-travel', [['IAB20-3']]),
  campaign('c2', 'adv-travel', [['IAB20'], ['IAB1']]),
  campaign('c3', 'adv-auto', [['IAB2']]),
];
const clicks = (scope: Partial<CountCriterion>): CountCriterion => ({
  type: 'clicks',
  withinDays: 7,
  min: 1,
  ...scope,
});

describe('campaign scope of a behavioural criterion', () => {
  it('campaigns as given; none given: any campaign, no catalog needed', () => {
    expect(campaignScope(clicks({ campaigns: ['c3'] }), undefined, 'x')).toEqual(['c3']);
    expect(campaignScope(clicks({}), undefined, 'x')).toBeUndefined();
    expect(needsCatalog([clicks({ campaigns: ['c3'] })])).toBe(false);
    expect(needsCatalog([clicks({ advertisers: ['adv-auto'] })])).toBe(true);
  });

  it('advertisers → their campaigns; categories → campaigns with an ad in the category or a sub-category; all given must hold', () => {
    expect(campaignScope(clicks({ advertisers: ['adv-travel'] }), catalog, 'x')).toEqual(['c1', 'c2']);
    expect(campaignScope(clicks({ categories: ['IAB20'] }), catalog, 'x')).toEqual(['c1', 'c2']);
    expect(campaignScope(clicks({ categories: ['IAB1', 'IAB2'] }), catalog, 'x')).toEqual(['c2', 'c3']);
    expect(campaignScope(clicks({ categories: ['IAB20-3'] }), catalog, 'x')).toEqual(['c1']);
    expect(campaignScope(clicks({ advertisers: ['adv-travel'], campaigns: ['c2', 'c3'] }), catalog, 'x')).toEqual([
      'c2',
    ]);
    expect(campaignScope(clicks({ advertisers: ['adv-auto'], categories: ['IAB20'] }), catalog, 'x')).toEqual([]);
  });

  it('an advertiser or category without a campaign, or no catalog, refuses naming the field', () => {
    expect(() => campaignScope(clicks({ advertisers: ['adv-typo'] }), catalog, 'segment s: criteria[0]')).toThrow(
      'segment s: criteria[0].advertisers: "adv-typo" has no campaign',
    );
    expect(() => campaignScope(clicks({ categories: ['IAB99'] }), catalog, 'c')).toThrow(
      'c.categories: no campaign has an ad in "IAB99"',
    );
    expect(() => campaignScope(clicks({ categories: ['IAB2'] }), undefined, 'c')).toThrow(
      'c: advertisers and categories need the campaign catalog',
    );
  });
});
