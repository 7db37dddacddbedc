import type { Alert, AttributedEvent } from '@adtrace/schemas';
import { windowStartOf } from './config.ts';

/**
 * Calibration of a pCTR model version over a window, in one direction, everywhere:
 *   calibration = mean predicted CTR ÷ observed CTR = (pctrSum / impressions) ÷ (clicks / impressions)
 * 1.0 is perfect; above 1 the model over-predicts (promises more clicks than happen), below 1 it
 * under-predicts. Clicks count at the click's time, like ROAS, so a click near a window edge may
 * land in the window after its impression's; with windows of minutes that is noise, not bias.
 */
export interface CalibrationConfig {
  /** Calibration window (default 5 minutes: 1-minute windows are too few clicks to judge). */
  readonly windowMs: number;
  /** Late data after end + grace is ignored (default 5 minutes, as ROAS). */
  readonly graceMs: number;
  /** In band: lower ≤ calibration ≤ upper (default [0.8, 1.25]). */
  readonly lower: number;
  readonly upper: number;
  /** A window with fewer impressions is not judged: it neither counts toward nor resets a streak. */
  readonly minImpressions: number;
  /** Out-of-band judged windows in a row that raise an alert (default 2). */
  readonly consecutive: number;
}

export const DEFAULT_CALIBRATION_CONFIG: CalibrationConfig = {
  windowMs: 300_000,
  graceMs: 300_000,
  lower: 0.8,
  upper: 1.25,
  minImpressions: 10_000,
  consecutive: 2,
};

/** Additive, so partial totals from several partitions can be summed before judging. */
export interface CalibrationTotals {
  readonly impressions: number;
  readonly clicks: number;
  readonly pctrSum: number;
}

export interface CalibrationState {
  readonly watermarkMs: number | null;
  /** `${windowStartMs}|${modelVersion}` → totals of an open window. */
  readonly windows: Readonly<Record<string, CalibrationTotals>>;
  /** Per model version: judged out-of-band windows in a row, and whether an alert is out for this streak. */
  readonly streaks: Readonly<Record<string, { readonly outOfBand: number; readonly alerted: boolean }>>;
  readonly lateIgnored: number;
}

export const EMPTY_CALIBRATION_STATE: CalibrationState = {
  watermarkMs: null,
  windows: {},
  streaks: {},
  lateIgnored: 0,
};

export interface CalibrationResult extends CalibrationTotals {
  readonly modelVersion: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly predictedCtr: number | null;
  readonly observedCtr: number | null;
  /** predicted ÷ observed; null without impressions or without clicks. */
  readonly calibration: number | null;
}

export function calibrationOf(t: CalibrationTotals): number | null {
  return t.impressions > 0 && t.clicks > 0 ? t.pctrSum / t.clicks : null;
}

/**
 * Impressions add pCTR, clicks add a click, to their model version's window; conversions, and
 * impressions and clicks no model scored (modelVersion null), are ignored: there is nothing to
 * calibrate.
 */
export function applyCalibrationEvent(
  state: CalibrationState,
  e: AttributedEvent,
  config: CalibrationConfig,
): CalibrationState {
  if (e.kind === 'CONVERSION' || e.modelVersion === null) return state;
  const start = windowStartOf(e.eventTimeMs, config.windowMs);
  const watermarkMs = Math.max(state.watermarkMs ?? Number.NEGATIVE_INFINITY, e.eventTimeMs);
  if (state.watermarkMs !== null && start + config.windowMs + config.graceMs <= state.watermarkMs) {
    return { ...state, watermarkMs, lateIgnored: state.lateIgnored + 1 };
  }
  const key = `${start}|${e.modelVersion}`;
  const t = state.windows[key] ?? { impressions: 0, clicks: 0, pctrSum: 0 };
  const next =
    e.kind === 'IMPRESSION'
      ? { ...t, impressions: t.impressions + 1, pctrSum: t.pctrSum + e.pctr }
      : { ...t, clicks: t.clicks + 1 };
  return { ...state, watermarkMs, windows: { ...state.windows, [key]: next } };
}

/** Moves stream time forward without an event (an idle partition, or the end of a replay). */
export function advanceCalibration(state: CalibrationState, watermarkMs: number): CalibrationState {
  return state.watermarkMs !== null && state.watermarkMs >= watermarkMs ? state : { ...state, watermarkMs };
}

/**
 * Closes the windows whose grace has passed, in window order, and judges each: a drift alert
 * when `consecutive` judged windows in a row are out of band (no clicks at all with enough
 * impressions counts as out of band: the model predicts clicks that never come). One alert per
 * streak; a judged in-band window ends the streak.
 */
export function closeCalibrationWindows(
  state: CalibrationState,
  config: CalibrationConfig,
): { next: CalibrationState; results: CalibrationResult[]; alerts: Alert[] } {
  const wm = state.watermarkMs;
  if (wm === null) return { next: state, results: [], alerts: [] };
  const closing = Object.keys(state.windows)
    .map((key) => ({ key, start: Number(key.slice(0, key.indexOf('|'))), version: key.slice(key.indexOf('|') + 1) }))
    .filter((w) => w.start + config.windowMs + config.graceMs <= wm)
    .sort((a, b) => a.start - b.start || (a.version < b.version ? -1 : 1));
  if (closing.length === 0) return { next: state, results: [], alerts: [] };
  const windows = { ...state.windows };
  const streaks = { ...state.streaks };
  const results: CalibrationResult[] = [];
  const alerts: Alert[] = [];
  for (const { key, start, version } of closing) {
    const t = windows[key]!;
    delete windows[key];
    const result: CalibrationResult = {
      ...t,
      modelVersion: version,
      windowStartMs: start,
      windowEndMs: start + config.windowMs,
      predictedCtr: t.impressions > 0 ? t.pctrSum / t.impressions : null,
      observedCtr: t.impressions > 0 ? t.clicks / t.impressions : null,
      calibration: calibrationOf(t),
    };
    results.push(result);
    if (t.impressions < config.minImpressions) continue;
    const c = result.calibration;
    const inBand = c !== null && c >= config.lower && c <= config.upper;
    const streak = streaks[version] ?? { outOfBand: 0, alerted: false };
    if (inBand) {
      streaks[version] = { outOfBand: 0, alerted: false };
      continue;
    }
    const outOfBand = streak.outOfBand + 1;
    const raise = outOfBand >= config.consecutive && !streak.alerted;
    streaks[version] = { outOfBand, alerted: streak.alerted || raise };
    if (raise) alerts.push(driftAlert(result, config, outOfBand));
  }
  return { next: { ...state, windows, streaks }, results, alerts };
}

function driftAlert(r: CalibrationResult, config: CalibrationConfig, windows: number): Alert {
  const high = r.calibration === null || r.calibration > config.upper;
  const threshold = high ? config.upper : config.lower;
  const shown = r.calibration === null ? 'no clicks' : r.calibration.toFixed(3);
  return {
    alertId: `calibration-drift:${r.modelVersion}:${r.windowStartMs}`,
    kind: 'CALIBRATION_DRIFT',
    severity: 'WARNING',
    source: 'aggregation',
    campaignId: null,
    segmentId: null,
    value: r.calibration,
    threshold,
    message: `pCTR model ${r.modelVersion} ${high ? 'over' : 'under'}-predicts: calibration (predicted ÷ observed CTR) ${shown} outside [${config.lower}, ${config.upper}] for ${windows} windows in a row`,
    attributes: {
      modelVersion: r.modelVersion,
      direction: 'predicted/observed',
      windowStartMs: String(r.windowStartMs),
      windowEndMs: String(r.windowEndMs),
      impressions: String(r.impressions),
      clicks: String(r.clicks),
      predictedCtr: String(r.predictedCtr),
      observedCtr: String(r.observedCtr),
    },
    eventTimeMs: r.windowEndMs,
  };
}
