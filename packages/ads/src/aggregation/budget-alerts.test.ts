import type { Budget, CampaignSpend } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { isAttributionError } from '../attribution/errors.ts';
import { budgetAlerts } from './budget-alerts.ts';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 10, 25);
const rates = { USD: 1, EUR: 1.1 };
const spend = (total: number, today: number, day = D0): CampaignSpend => ({
  campaignId: 'c1',
  currency: 'USD',
  totalSpendMicros: total,
  todaySpendMicros: today,
  dayStartMs: day,
  impressions: 0,
  clicks: 0,
  updatedAtMs: day + 1000,
  emittedAtMs: 0,
});
const budget: Budget = { totalMicros: 10_000, dailyMicros: 1_000, currency: 'USD' };

describe('budget alerts', () => {
  it('warns at 80 %, is critical at 100 %, and raises each once', () => {
    let state = {};
    const kinds: string[][] = [];
    for (const s of [spend(100, 100), spend(500, 850), spend(600, 900), spend(8_000, 1_000), spend(10_000, 1_000)]) {
      const r = budgetAlerts(s, budget, rates, state);
      state = r.next;
      kinds.push(r.alerts.map((a) => `${a.kind}:${a.attributes.scope}`));
    }
    expect(kinds).toEqual([
      [],
      ['BUDGET_PACING:daily'],
      [],
      ['BUDGET_PACING:total', 'BUDGET_EXHAUSTED:daily'],
      ['BUDGET_EXHAUSTED:total'],
    ]);
  });

  it('alerts on the daily budget again the next UTC day and forgets past days', () => {
    const first = budgetAlerts(spend(0, 1_000), budget, rates, {});
    const next = budgetAlerts(spend(0, 1_000, D0 + DAY), budget, rates, first.next);
    expect(next.alerts.map((a) => a.alertId)).toEqual([`budget-exhausted:c1:day:${D0 + DAY}`]);
    expect(Object.keys(next.next)).toEqual([`budget-exhausted:c1:day:${D0 + DAY}`]);
    expect(next.alerts[0]).toMatchObject({
      severity: 'CRITICAL',
      source: 'aggregation',
      campaignId: 'c1',
      value: 1,
      threshold: 1,
    });
  });

  it('converts a budget in another currency and rejects an unknown one', () => {
    const eur: Budget = { totalMicros: 10_000, dailyMicros: null, currency: 'EUR' }; // 11,000 USD micros
    expect(budgetAlerts(spend(10_500, 0), eur, rates, {}).alerts.map((a) => a.kind)).toEqual(['BUDGET_PACING']);
    try {
      budgetAlerts(spend(1, 0), { ...eur, currency: 'XXX' }, rates, {});
      expect.unreachable();
    } catch (error) {
      expect(isAttributionError(error) && error.code).toBe('UNKNOWN_CURRENCY');
    }
  });
});
