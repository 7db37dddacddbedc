import type { AttributedEvent, CampaignSpend } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { toAttributionConfig } from '../attribution/config.ts';
import { exampleModel } from '../attribution/simulate/example-model.ts';
import { simulateImpressions } from '../attribution/simulate/impressions.ts';
import { runTracking } from '../attribution/simulate/reference-pipeline.ts';
import { simulateUserEvents } from '../attribution/simulate/user-events.ts';
import { applySpend, spentToday } from './campaign-spend.ts';
import { aggregationDedupKey } from './roas-windows.ts';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 25);
const ev = (kind: AttributedEvent['kind'], t: number, costMicros: number): AttributedEvent => ({
  eventId: `${kind}-${t}`,
  kind,
  originalEventId: 'x',
  campaignId: 'c1',
  adId: 'a',
  userKey: 'u',
  touch: 'NONE',
  costMicros,
  valueMicros: 0,
  pctr: 0,
  eventTimeMs: t,
  attributedAtMs: t,
  // The new fields at their defaults, as a record written before they existed reads.
  impressionId: '',
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion: null,
});

describe('campaign spend (today and total)', () => {
  it('rolls "today" over at UTC midnight; a late event of yesterday adds to the total only', () => {
    const events = [
      ev('IMPRESSION', D0 + 10, 100),
      ev('CLICK', D0 + DAY - 1, 50),
      ev('IMPRESSION', D0 + DAY + 5, 7),
      ev('IMPRESSION', D0 + 20, 1000),
      ev('CONVERSION', D0 + DAY + 6, 0),
    ];
    let s: CampaignSpend | null = null;
    for (const e of events) s = applySpend(s, e, 42);
    expect(s).toEqual({
      campaignId: 'c1',
      currency: 'USD',
      totalSpendMicros: 1157,
      todaySpendMicros: 7,
      dayStartMs: D0 + DAY,
      impressions: 3,
      clicks: 1,
      updatedAtMs: D0 + DAY + 5,
      emittedAtMs: 42,
    });
    expect(spentToday(s!, D0 + DAY + 1000)).toBe(7);
    expect(spentToday(s!, D0 + 2 * DAY)).toBe(0);
    expect(() => applySpend(s, { ...ev('CLICK', D0, 1), campaignId: 'other' }, 0)).toThrow(/other/);
  });

  it('on a simulated stream with redeliveries: total spend per campaign equals every impression and genuine click sent, late or not', () => {
    const model = exampleModel(31);
    const impressions = simulateImpressions(model, {
      startMs: D0,
      durationMs: 30 * 60_000,
      meanIntervalMs: 200,
      users: 300,
      contexts: ['web', 'app'],
    });
    const { events } = simulateUserEvents(impressions, model);
    const tracking = runTracking(
      impressions,
      events,
      model,
      toAttributionConfig({ clickWindowMs: 600_000, viewWindowMs: 180_000, latenessMs: 1_800_000 }),
    );
    const seen = new Set<string>();
    const spend = new Map<string, CampaignSpend>();
    for (const { event } of [...tracking.attributed, ...tracking.attributed.filter((_, i) => i % 7 === 0)]) {
      const key = aggregationDedupKey(event);
      if (seen.has(key)) continue;
      seen.add(key);
      spend.set(event.campaignId, applySpend(spend.get(event.campaignId) ?? null, event, 0));
    }
    const expected = new Map<string, number>();
    const byToken = new Map(impressions.map((s) => [s.impression.trackingToken, s.impression]));
    const add = (c: string, m: number) => expected.set(c, (expected.get(c) ?? 0) + m);
    for (const { impression } of impressions) add(impression.campaignId, impression.priceMicros);
    for (const e of events)
      if (e.kind === 'click' && e.label === 'genuine')
        add(byToken.get(e.token)!.campaignId, byToken.get(e.token)!.clickPriceMicros);
    expect(events.some((e) => e.lateness === 'beyond-grace' && e.kind === 'click')).toBe(true);
    expect(Object.fromEntries([...spend].map(([c, s]) => [c, s.totalSpendMicros]))).toEqual(
      Object.fromEntries(expected),
    );
  });
});
