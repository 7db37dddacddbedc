// Campaign spend, budget alerts and calibration for one de-duplicated event: the pure rules of
// packages/ads, held in the task's stores. Every function returns what to write and emit; the
// hop does the writing.
import {
  advanceCalibration,
  applyCalibrationEvent,
  applySpend,
  type BudgetAlertState,
  budgetAlerts,
  type CalibrationConfig,
  type CalibrationResult,
  type CalibrationState,
  closeCalibrationWindows,
  EMPTY_CALIBRATION_STATE,
  isAttributionError,
} from '@adtrace/ads';
import type { Alert, AttributedEvent, Budget, CampaignSpend } from '@adtrace/schemas';

export interface SpendStep {
  readonly spend: CampaignSpend;
  readonly alerts: readonly Alert[];
  readonly budgetState: BudgetAlertState;
  /** Set when the budget's currency has no rate: no budget alert can be judged (on the span). */
  readonly budgetError: string | null;
}

/**
 * Spend counts every de-duplicated impression and click, however late for its ROAS window
 * (money spent is spent). Conversions cost nothing: null, nothing to write.
 */
export function spendStep(
  e: AttributedEvent,
  current: CampaignSpend | undefined,
  budget: Budget | undefined,
  budgetState: BudgetAlertState | undefined,
  rates: Readonly<Record<string, number>>,
  pacingShare: number,
  nowMs: number,
): SpendStep | null {
  if (e.kind === 'CONVERSION') return null;
  const spend = applySpend(current ?? null, e, nowMs);
  const state = budgetState ?? {};
  if (!budget) return { spend, alerts: [], budgetState: state, budgetError: null };
  try {
    const { alerts, next } = budgetAlerts(spend, budget, rates, state, { pacingShare });
    return { spend, alerts, budgetState: next, budgetError: null };
  } catch (error) {
    if (!isAttributionError(error)) throw error;
    return { spend, alerts: [], budgetState: state, budgetError: error.message };
  }
}

/**
 * Calibration per model version over this task's campaigns: the event's model version window,
 * then whatever the stream time closed. Judged per partition (see README: with several
 * partitions each judges its own campaigns' share).
 */
export function calibrationStep(
  e: AttributedEvent,
  current: CalibrationState | undefined,
  streamTimeMs: number,
  config: CalibrationConfig,
): { state: CalibrationState; results: CalibrationResult[]; alerts: Alert[] } {
  let state = applyCalibrationEvent(current ?? EMPTY_CALIBRATION_STATE, e, config);
  if (Number.isFinite(streamTimeMs)) state = advanceCalibration(state, streamTimeMs);
  const { next, results, alerts } = closeCalibrationWindows(state, config);
  return { state: next, results, alerts };
}
