// Budgets and pacing read what aggregation says a campaign has spent: the compacted
// adtrace.campaign-spend topic (CampaignSpend, key campaign id) as a global table. Spend is in
// USD, the currency of prices; a budget may be in another currency, so the spend is converted to
// the budget's currency before policyFilter compares them. A budget in a currency without a rate
// cannot be judged: the campaign bids as if it had no spend (counted, so it is seen), rather
// than being refused for a configuration gap.
import { type SpendLookup as PolicySpend, spentToday, type UsdRates } from '@adtrace/ads';
import type { Campaign, CampaignSpend } from '@adtrace/schemas';
import type { ReadonlyTable } from '@adtrace/stream';

/** A campaign's spend in its budget's currency at `nowMs`; undefined when none is known or it cannot be judged. */
export type SpendOf = (campaignId: string) => PolicySpend | undefined;

export function spendLookup(
  spend: ReadonlyTable<CampaignSpend>,
  campaigns: ReadonlyTable<Campaign>,
  usdRates: UsdRates,
  nowMs: number,
  onUnjudged: (campaign: Campaign) => void,
): SpendOf {
  return (campaignId) => {
    const s = spend.get(campaignId);
    if (!s) return undefined;
    const campaign = campaigns.get(campaignId);
    if (!campaign) return undefined;
    const usdPerUnit = usdRates[campaign.budget.currency];
    if (usdPerUnit === undefined) {
      onUnjudged(campaign);
      return undefined;
    }
    // Whole micros: 4.40 USD at 1.10 USD per EUR is 4 EUR, not 3.9999999 (a spent budget must read as spent).
    return {
      totalMicros: Math.round(s.totalSpendMicros / usdPerUnit),
      todayMicros: Math.round(spentToday(s, nowMs) / usdPerUnit),
    };
  };
}
