import { DEFAULT_CALIBRATION_CONFIG } from '@adtrace/ads';
import type { AttributedEvent, Budget } from '@adtrace/schemas';
import { exampleAttributedEvent } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { calibrationStep, spendStep } from './spend-and-alerts.ts';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const impression = (n: number, over: Partial<AttributedEvent> = {}): AttributedEvent => ({
  ...exampleAttributedEvent,
  kind: 'IMPRESSION',
  eventId: `imp-${n}`,
  impressionId: `imp-${n}`,
  touch: 'NONE',
  costMicros: 400_000,
  valueMicros: 0,
  pctr: 0.1,
  modelVersion: 'ctr-v1',
  eventTimeMs: T0 + n,
  ...over,
});
const budget: Budget = { totalMicros: 1_000_000, dailyMicros: null, currency: 'USD' };

describe('spendStep', () => {
  it('adds impressions and clicks to total and today; conversions cost nothing', () => {
    expect(spendStep(exampleAttributedEvent, undefined, undefined, undefined, { USD: 1 }, 0.8, 5)).toBeNull();
    const one = spendStep(impression(1), undefined, undefined, undefined, { USD: 1 }, 0.8, 5)!;
    expect(one.spend).toMatchObject({
      totalSpendMicros: 400_000,
      todaySpendMicros: 400_000,
      impressions: 1,
      emittedAtMs: 5,
    });
    const two = spendStep(impression(2, { kind: 'CLICK' }), one.spend, undefined, undefined, { USD: 1 }, 0.8, 6)!;
    expect(two.spend).toMatchObject({ totalSpendMicros: 800_000, impressions: 1, clicks: 1 });
    expect(two.alerts).toEqual([]);
  });

  it('raises pacing at 80 % and exhausted at 100 % of the budget, each once', () => {
    let step = spendStep(impression(1), undefined, budget, undefined, { USD: 1 }, 0.8, 0)!;
    step = spendStep(impression(2), step.spend, budget, step.budgetState, { USD: 1 }, 0.8, 0)!;
    expect(step.alerts.map((a) => a.kind)).toEqual(['BUDGET_PACING']);
    step = spendStep(impression(3), step.spend, budget, step.budgetState, { USD: 1 }, 0.8, 0)!;
    expect(step.alerts.map((a) => [a.kind, a.campaignId])).toEqual([['BUDGET_EXHAUSTED', 'cmp-42']]);
    step = spendStep(impression(4), step.spend, budget, step.budgetState, { USD: 1 }, 0.8, 0)!;
    expect(step.alerts).toEqual([]);
  });

  it('a budget in a currency without a rate is reported, not thrown: spend still counts', () => {
    const step = spendStep(impression(1), undefined, { ...budget, currency: 'JPY' }, undefined, { USD: 1 }, 0.8, 0)!;
    expect(step.spend.totalSpendMicros).toBe(400_000);
    expect(step.budgetError).toMatch(/JPY/);
  });
});

describe('calibrationStep', () => {
  it('raises a drift alert once two judged windows in a row are out of band', () => {
    const config = { ...DEFAULT_CALIBRATION_CONFIG, windowMs: 60_000, graceMs: 0, minImpressions: 10 };
    let state: ReturnType<typeof calibrationStep>['state'] | undefined;
    const alerts = [];
    // pCTR 0.1 but one click per 20 impressions: calibration 2, over-predicting.
    for (let w = 0; w < 3; w++) {
      for (let i = 0; i < 20; i++) {
        const t = T0 + w * 60_000 + i * 100;
        const e = impression(w * 100 + i, { eventTimeMs: t, kind: i === 0 ? 'CLICK' : 'IMPRESSION' });
        const step = calibrationStep(e, state, t, config);
        state = step.state;
        alerts.push(...step.alerts);
      }
    }
    expect(alerts.map((a) => [a.kind, a.attributes.modelVersion])).toEqual([['CALIBRATION_DRIFT', 'ctr-v1']]);
  });
});
