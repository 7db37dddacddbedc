import type { Campaign, CampaignSpend } from '@adtrace/schemas';
import { exampleCampaign } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { spendLookup } from './spend.ts';

const DAY = 86_400_000;
const now = 10 * DAY + 3_600_000;
const table = <V>(entries: Record<string, V>) => ({
  get: (k: string) => entries[k],
  size: Object.keys(entries).length,
});
const campaign = (id: string, currency: string): Campaign => ({
  ...exampleCampaign,
  id,
  budget: { ...exampleCampaign.budget, currency },
});
const spent = (campaignId: string, total: number, today: number, dayStartMs: number): CampaignSpend => ({
  campaignId,
  currency: 'USD',
  totalSpendMicros: total,
  todaySpendMicros: today,
  dayStartMs,
  impressions: 1,
  clicks: 0,
  updatedAtMs: dayStartMs,
  emittedAtMs: now,
});

describe('spendLookup', () => {
  const campaigns = table({ usd: campaign('usd', 'USD'), eur: campaign('eur', 'EUR'), jpy: campaign('jpy', 'JPY') });
  const spend = table({
    usd: spent('usd', 7_000_000, 2_000_000, 9 * DAY),
    eur: spent('eur', 4_400_000, 4_400_000, 10 * DAY),
    jpy: spent('jpy', 1, 1, 10 * DAY),
  });
  const unjudged: string[] = [];
  const lookup = spendLookup(spend, campaigns, { USD: 1, EUR: 1.1 }, now, (c) => unjudged.push(c.id));

  it('reads today’s spend as 0 once the UTC day has turned since the last event', () => {
    expect(lookup('usd')).toEqual({ totalMicros: 7_000_000, todayMicros: 0 });
  });
  it('converts USD spend to the budget’s currency in whole micros', () => {
    expect(lookup('eur')).toEqual({ totalMicros: 4_000_000, todayMicros: 4_000_000 });
  });
  it('does not judge a budget in a currency without a rate, and says so', () => {
    expect(lookup('jpy')).toBeUndefined();
    expect(unjudged).toEqual(['jpy']);
  });
  it('knows no spend of a campaign aggregation has not counted', () => {
    expect(lookup('none')).toBeUndefined();
  });
});
