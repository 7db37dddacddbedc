import type { Alert, Budget, CampaignSpend } from '@adtrace/schemas';
import { type CurrencyRates, toUsdMicros } from '../attribution/currency.ts';
import { spentToday } from './campaign-spend.ts';

export interface BudgetAlertConfig {
  /** BUDGET_PACING (WARNING) once spend reaches this share of a budget (default 0.8); BUDGET_EXHAUSTED (CRITICAL) at 1. */
  readonly pacingShare: number;
}

export const DEFAULT_BUDGET_ALERT_CONFIG: BudgetAlertConfig = { pacingShare: 0.8 };

/** Alert ids already raised for a campaign: each condition alerts once (per UTC day for the daily budget). JSON-able. */
export type BudgetAlertState = Readonly<Record<string, true>>;

/**
 * Budget alerts for one campaign's spend: total and today's spend against the total and daily
 * budget, converted to USD with the rate table (unknown currency → AttributionError). Alert
 * ids are deterministic, so a replay raises nothing twice; today's ids carry the day, and ids of
 * past days leave the state.
 */
export function budgetAlerts(
  spend: CampaignSpend,
  budget: Budget,
  rates: CurrencyRates,
  state: BudgetAlertState,
  config: BudgetAlertConfig = DEFAULT_BUDGET_ALERT_CONFIG,
): { alerts: Alert[]; next: BudgetAlertState } {
  const checks: Array<{ scope: string; spent: number; budgetMicros: number }> = [
    {
      scope: 'total',
      spent: spend.totalSpendMicros,
      budgetMicros: toUsdMicros(budget.totalMicros, budget.currency, rates).valueUsdMicros,
    },
  ];
  if (budget.dailyMicros !== null) {
    checks.push({
      scope: `day:${spend.dayStartMs}`,
      spent: spentToday(spend, spend.updatedAtMs),
      budgetMicros: toUsdMicros(budget.dailyMicros, budget.currency, rates).valueUsdMicros,
    });
  }
  const next: Record<string, true> = {};
  for (const id of Object.keys(state))
    if (!id.includes(':day:') || id.endsWith(`:day:${spend.dayStartMs}`)) next[id] = true;
  const alerts: Alert[] = [];
  for (const { scope, spent, budgetMicros } of checks) {
    const share = budgetMicros > 0 ? spent / budgetMicros : Number.POSITIVE_INFINITY;
    const kind = share >= 1 ? 'BUDGET_EXHAUSTED' : share >= config.pacingShare ? 'BUDGET_PACING' : null;
    if (!kind) continue;
    const alertId = `${kind === 'BUDGET_EXHAUSTED' ? 'budget-exhausted' : 'budget-pacing'}:${spend.campaignId}:${scope}`;
    if (next[alertId]) continue;
    next[alertId] = true;
    const which = scope === 'total' ? 'total' : 'daily';
    alerts.push({
      alertId,
      kind,
      severity: kind === 'BUDGET_EXHAUSTED' ? 'CRITICAL' : 'WARNING',
      source: 'aggregation',
      campaignId: spend.campaignId,
      segmentId: null,
      value: budgetMicros > 0 ? share : null,
      threshold: kind === 'BUDGET_EXHAUSTED' ? 1 : config.pacingShare,
      message: `Campaign ${spend.campaignId} spent ${(share * 100).toFixed(1)} % of its ${which} budget`,
      attributes: {
        scope: which,
        spentMicros: String(spent),
        budgetMicros: String(budgetMicros),
        currency: 'USD',
        dayStartMs: String(spend.dayStartMs),
      },
      eventTimeMs: spend.updatedAtMs,
    });
  }
  return { alerts, next };
}
