import type { AttributedEvent, CampaignSpend } from '@adtrace/schemas';

/*
 * The value of the compacted adtrace.campaign-spend topic (key: campaign id) is the CampaignSpend
 * record of schemas/CampaignSpend.avsc, which the auction reads as a global table for budgets
 * and pacing.
 *
 * Spend counts every de-duplicated impression and click, however late: money spent is spent,
 * even when a ROAS window no longer takes the event (lateDropped). "Today" is the UTC day of
 * the campaign's latest event time; a reader on a later day must read it as 0 (spentToday).
 */

const DAY_MS = 86_400_000;

export const utcDayStartOf = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/**
 * Adds one de-duplicated event's cost. An event of a later UTC day starts a new "today"; one of
 * an earlier day (late) adds to the total only. Conversions cost nothing and change nothing.
 */
export function applySpend(spend: CampaignSpend | null, e: AttributedEvent, emittedAtMs: number): CampaignSpend {
  const day = utcDayStartOf(e.eventTimeMs);
  const base: CampaignSpend = spend ?? {
    campaignId: e.campaignId,
    currency: 'USD',
    totalSpendMicros: 0,
    todaySpendMicros: 0,
    dayStartMs: day,
    impressions: 0,
    clicks: 0,
    updatedAtMs: e.eventTimeMs,
    emittedAtMs,
  };
  if (base.campaignId !== e.campaignId)
    throw new RangeError(`spend of ${base.campaignId} given an event of ${e.campaignId}`);
  if (e.kind === 'CONVERSION') return base;
  const rolled =
    day > base.dayStartMs
      ? { todaySpendMicros: 0, dayStartMs: day }
      : { todaySpendMicros: base.todaySpendMicros, dayStartMs: base.dayStartMs };
  return {
    ...base,
    ...rolled,
    totalSpendMicros: base.totalSpendMicros + e.costMicros,
    todaySpendMicros: rolled.todaySpendMicros + (day === rolled.dayStartMs ? e.costMicros : 0),
    impressions: base.impressions + (e.kind === 'IMPRESSION' ? 1 : 0),
    clicks: base.clicks + (e.kind === 'CLICK' ? 1 : 0),
    updatedAtMs: Math.max(base.updatedAtMs, e.eventTimeMs),
    emittedAtMs,
  };
}

/** What the auction should read as today's spend at `nowMs`: 0 once the UTC day has turned since the last event. */
export function spentToday(spend: CampaignSpend, nowMs: number): number {
  return utcDayStartOf(nowMs) === spend.dayStartMs ? spend.todaySpendMicros : 0;
}
