import type { Dialect } from './dialect.ts';
import { toNumber } from './values.ts';

/**
 * Spend and revenue per campaign straight from `attributed_events`, for a period whose ROAS
 * windows have not closed yet (aggregation emits a window only once stream time passes its end
 * plus the grace, minutes later). The sums are those aggregation adds up (ads `addEvent`):
 * spend = every event's cost (CPM on the impression, CPC on the click), revenue = conversions'
 * value. Provisional: a window's final figures can differ (events later than the grace are not
 * in it, a rebuild recounts), so the live view says which is which.
 */
export interface CampaignTotalsQuery {
  /** Events whose event time is at or after this (ms since the epoch). */
  readonly sinceMs: number;
  /** The campaigns that spent most, at most this many (default 10). */
  readonly limit?: number;
}

export interface CampaignTotals {
  readonly campaignId: string;
  readonly impressions: number;
  readonly clicks: number;
  readonly conversions: number;
  readonly spendMicros: number;
  readonly revenueMicros: number;
}

/** Most spend first; $1 = since (µs), $2 = limit. */
export function campaignTotalsSql(d: Dialect): string {
  return `SELECT campaign_id,
  sum(CASE WHEN kind = 'impression' THEN 1 ELSE 0 END) AS impressions,
  sum(CASE WHEN kind = 'click' THEN 1 ELSE 0 END) AS clicks,
  sum(CASE WHEN kind = 'conversion' THEN 1 ELSE 0 END) AS conversions,
  sum(cost_micros) AS spend_micros,
  sum(CASE WHEN kind = 'conversion' THEN value_micros ELSE 0 END) AS revenue_micros
FROM attributed_events
WHERE event_time >= ${d.timestampFromMicros('$1')}
GROUP BY campaign_id
ORDER BY spend_micros DESC, campaign_id
LIMIT $2`;
}

export const CAMPAIGN_TOTALS_COLUMNS = ['campaign_id', 'kind', 'cost_micros', 'value_micros', 'event_time'] as const;

export function toCampaignTotals(r: Record<string, unknown>): CampaignTotals {
  return {
    campaignId: String(r.campaign_id),
    impressions: toNumber(r.impressions),
    clicks: toNumber(r.clicks),
    conversions: toNumber(r.conversions),
    spendMicros: toNumber(r.spend_micros),
    revenueMicros: toNumber(r.revenue_micros),
  };
}
