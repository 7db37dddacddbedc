import type { AttributedEvent, RoasWindow } from '@adtrace/schemas';
import { type RoasConfig, windowStartOf } from './config.ts';
import { addEvent, EMPTY_TOTALS, ratiosOf, type WindowTotals } from './window-totals.ts';

/** One campaign-window in state. revision is -1 until its first emission. */
export interface WindowState {
  readonly campaignId: string;
  readonly windowStartMs: number;
  readonly totals: WindowTotals;
  readonly revision: number;
  /** Changed since its last emission. */
  readonly dirty: boolean;
  /** Emitted as final (watermark passed end + grace). */
  readonly final: boolean;
}

/**
 * The aggregation state of one partition, JSON-able. The watermark is the partition's stream
 * time: the largest event time seen (null before the first event). A service may instead keep
 * each window under its own store key; the rules below are the same.
 */
export interface RoasState {
  readonly watermarkMs: number | null;
  readonly windows: Readonly<Record<string, WindowState>>;
  /** Events later than end + grace + retention: their window is gone, so only counted here (and sent to late-events). */
  readonly lateUnretained: number;
}

export const EMPTY_ROAS_STATE: RoasState = { watermarkMs: null, windows: {}, lateUnretained: 0 };

/**
 * counted: in the totals of an open window; restating: in the totals of a closed window still
 * within grace (its next flush restates it, revision + 1); late-dropped: after the grace, counted
 * in the window's lateDropped (send the event to adtrace.late-events); late-unretained: as
 * late-dropped, but the window has left state.
 */
export type ApplyOutcome = 'counted' | 'restating' | 'late-dropped' | 'late-unretained';

const keyOf = (campaignId: string, windowStartMs: number): string => `${windowStartMs}|${campaignId}`;

/**
 * De-duplication key for aggregation: impressions and clicks by impression id (at most one
 * click per impression counts), conversions by conversion id. Records written before
 * impressionId existed read "" there: their event id stands in (for impressions it was the
 * impression's id, for clicks it is derived from it, clickEventIdOf).
 */
export function aggregationDedupKey(e: AttributedEvent): string {
  const impressionId = e.impressionId || e.eventId;
  if (e.kind === 'IMPRESSION') return `impression:${impressionId}`;
  if (e.kind === 'CLICK') return `click:${impressionId}`;
  return `conversion:${e.eventId}`;
}

/** Stream time after which the event's de-dup key may be forgotten: after that its window left state and any copy is late-unretained. */
export function dedupExpiresAtMs(e: AttributedEvent, config: RoasConfig): number {
  return windowStartOf(e.eventTimeMs, config.windowMs) + config.windowMs + config.graceMs + config.retentionMs;
}

/** Applies one de-duplicated event at its event time, then advances the watermark (an event never makes itself late). */
export function applyEvent(
  state: RoasState,
  e: AttributedEvent,
  config: RoasConfig,
): { next: RoasState; outcome: ApplyOutcome; windowStartMs: number } {
  const windowStartMs = windowStartOf(e.eventTimeMs, config.windowMs);
  const endMs = windowStartMs + config.windowMs;
  const wm = state.watermarkMs ?? Number.NEGATIVE_INFINITY;
  const watermarkMs = Math.max(wm, e.eventTimeMs);
  const key = keyOf(e.campaignId, windowStartMs);
  const existing = state.windows[key];
  const pastGrace = endMs + config.graceMs <= wm;
  if (pastGrace && !existing && endMs + config.graceMs + config.retentionMs <= wm) {
    return {
      next: { ...state, watermarkMs, lateUnretained: state.lateUnretained + 1 },
      outcome: 'late-unretained',
      windowStartMs,
    };
  }
  const window: WindowState = existing ?? {
    campaignId: e.campaignId,
    windowStartMs,
    totals: EMPTY_TOTALS,
    revision: -1,
    dirty: false,
    final: false,
  };
  const totals = pastGrace
    ? { ...window.totals, lateDropped: window.totals.lateDropped + 1 }
    : addEvent(window.totals, e);
  const windows = { ...state.windows, [key]: { ...window, totals, dirty: true } };
  const outcome: ApplyOutcome = pastGrace ? 'late-dropped' : endMs <= wm ? 'restating' : 'counted';
  return { next: { ...state, watermarkMs, windows }, outcome, windowStartMs };
}

/** Moves stream time forward without an event (an idle partition's punctuation, or the end of a replay). */
export function advanceWatermark(state: RoasState, watermarkMs: number): RoasState {
  return state.watermarkMs !== null && state.watermarkMs >= watermarkMs ? state : { ...state, watermarkMs };
}

/**
 * Emits what the watermark allows, in (window, campaign) order: a window when it closes
 * (end <= watermark; revision 0), again (revision + 1) whenever late data changed it within
 * grace, and once more, final, when the watermark passes end + grace. Data after that bumps
 * lateDropped and emits a final revision + 1 with the same totals. Windows leave state
 * retentionMs after end + grace. completeThroughMs = watermark - grace: every event before it
 * that will ever be counted is counted (later ones only raise lateDropped).
 */
export function flushWindows(
  state: RoasState,
  config: RoasConfig,
  emittedAtMs: number,
): { next: RoasState; emitted: RoasWindow[] } {
  if (state.watermarkMs === null) return { next: state, emitted: [] };
  const wm = state.watermarkMs;
  const emitted: RoasWindow[] = [];
  const windows: Record<string, WindowState> = {};
  let changed = false;
  const keys = Object.keys(state.windows).sort((a, b) => compareKeys(a, b));
  for (const key of keys) {
    const w = state.windows[key]!;
    const endMs = w.windowStartMs + config.windowMs;
    let next = w;
    if (endMs <= wm) {
      const final = endMs + config.graceMs <= wm;
      if (w.dirty || w.revision < 0 || (final && !w.final)) {
        next = { ...w, revision: w.revision + 1, dirty: false, final };
        emitted.push(toRecord(next, config, wm - config.graceMs, emittedAtMs));
      }
    }
    if (next.final && endMs + config.graceMs + config.retentionMs <= wm) {
      changed = true;
      continue;
    }
    if (next !== w) changed = true;
    windows[key] = next;
  }
  return { next: changed ? { ...state, windows } : state, emitted };
}

function compareKeys(a: string, b: string): number {
  const [sa, ca] = [Number(a.slice(0, a.indexOf('|'))), a.slice(a.indexOf('|') + 1)];
  const [sb, cb] = [Number(b.slice(0, b.indexOf('|'))), b.slice(b.indexOf('|') + 1)];
  return sa - sb || (ca < cb ? -1 : ca > cb ? 1 : 0);
}

function toRecord(w: WindowState, config: RoasConfig, completeThroughMs: number, emittedAtMs: number): RoasWindow {
  const t = w.totals;
  return {
    campaignId: w.campaignId,
    windowStartMs: w.windowStartMs,
    windowEndMs: w.windowStartMs + config.windowMs,
    impressions: t.impressions,
    clicks: t.clicks,
    conversions: t.conversions,
    spendMicros: t.spendMicros,
    revenueMicros: t.revenueMicros,
    ...ratiosOf(t),
    completeThroughMs,
    final: w.final,
    revision: w.revision,
    emittedAtMs,
    generation: config.generation,
    currency: 'USD',
    lateDropped: t.lateDropped,
    clickThroughConversions: t.clickThroughConversions,
    viewThroughConversions: t.viewThroughConversions,
    clickThroughRevenueMicros: t.clickThroughRevenueMicros,
    viewThroughRevenueMicros: t.viewThroughRevenueMicros,
  };
}
