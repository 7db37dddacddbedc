import type { AttributionTouch, Impression } from '@adtrace/schemas';
import { impressionIdOf } from '../identity/event-id.ts';
import type { AttributionConfig } from './config.ts';

/** A touch a conversion can be attributed to: a click (click-through) or an impression (view-through). */
export interface Touch {
  readonly type: Exclude<AttributionTouch, 'NONE'>;
  /** The impression the touch belongs to (for a view, the impression itself). */
  readonly impressionId: string;
  /** The touch's own event id: the click's id, or the impression id for a view. */
  readonly eventId: string;
  /** Event time of the click or impression, epoch ms. */
  readonly timeMs: number;
  readonly campaignId: string;
  readonly adId: string;
  /** Event id of the bid request the impression started from (the trace's event). */
  readonly originalEventId: string;
  /** W3C traceparent of the impression's trace, so a conversion continues it; null when unknown. */
  readonly traceparent: string | null;
}

/** Per-user touch state, JSON-able: both lists sorted by (timeMs, eventId) ascending. */
export interface UserTouchState {
  readonly clicks: readonly Touch[];
  readonly views: readonly Touch[];
}

export const EMPTY_TOUCH_STATE: UserTouchState = { clicks: [], views: [] };

/**
 * The impression's own id (event id + imp id: a request can win several imps). Records written
 * before Impression carried it read `""` there: derive it the same way.
 */
export function touchIdOf(impression: Pick<Impression, 'eventId' | 'impId' | 'impressionId'>): string {
  return impression.impressionId || impressionIdOf(impression.eventId, impression.impId);
}

/** A click's event id, derived from its impression: a raw click has no id of its own, and at most one click per impression counts. */
export function clickEventIdOf(impressionId: string): string {
  return `${impressionId}:click`;
}

export function viewTouchOf(impression: Impression, traceparent: string | null = null): Touch {
  const impressionId = touchIdOf(impression);
  return {
    type: 'VIEW',
    impressionId,
    eventId: impressionId,
    timeMs: impression.eventTimeMs,
    campaignId: impression.campaignId,
    adId: impression.adId,
    originalEventId: impression.eventId,
    traceparent,
  };
}

const byTime = (a: Touch, b: Touch): number =>
  a.timeMs - b.timeMs || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/**
 * Adds a touch (idempotent: a redelivered touch, same event id and time, changes nothing), then prunes.
 * Touches may arrive out of event-time order; the lists stay sorted.
 */
export function recordTouch(
  state: UserTouchState,
  touch: Touch,
  streamTimeMs: number,
  config: AttributionConfig,
): UserTouchState {
  const list = touch.type === 'CLICK' ? state.clicks : state.views;
  const next = insertSorted(list, touch);
  const added = touch.type === 'CLICK' ? { clicks: next, views: state.views } : { clicks: state.clicks, views: next };
  return pruneTouches(added, streamTimeMs, config);
}

/** Inserts at the place a binary search finds; the same touch (same time and event id) is already there when redelivered. */
function insertSorted(list: readonly Touch[], touch: Touch): readonly Touch[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byTime(list[mid]!, touch) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo]?.eventId === touch.eventId && list[lo]!.timeMs === touch.timeMs) return list;
  return [...list.slice(0, lo), touch, ...list.slice(lo)];
}

/**
 * Keeps only what the windows can still use: a touch stays while
 * touchTime + window + latenessMs >= stream time (a conversion up to latenessMs behind stream
 * time can still reach it), and at most maxTouchesPerType of each type, newest first.
 */
export function pruneTouches(state: UserTouchState, streamTimeMs: number, config: AttributionConfig): UserTouchState {
  const keep = (list: readonly Touch[], windowMs: number): readonly Touch[] => {
    // Sorted by time: nothing to drop unless the oldest expired or the list is over the cap.
    const oldest = list[0];
    if (
      !oldest ||
      (oldest.timeMs + windowMs + config.latenessMs >= streamTimeMs && list.length <= config.maxTouchesPerType)
    )
      return list;
    const live = list.filter((t) => t.timeMs + windowMs + config.latenessMs >= streamTimeMs);
    const capped = live.length > config.maxTouchesPerType ? live.slice(live.length - config.maxTouchesPerType) : live;
    return capped.length === list.length ? list : capped;
  };
  const clicks = keep(state.clicks, config.clickWindowMs);
  const views = keep(state.views, config.viewWindowMs);
  return clicks === state.clicks && views === state.views ? state : { clicks, views };
}

export function isEmptyTouchState(state: UserTouchState): boolean {
  return state.clicks.length === 0 && state.views.length === 0;
}

/** Stream time after which pruning empties the state: the TTL to give the runtime's store entry (null when empty). */
export function touchStateExpiresAtMs(state: UserTouchState, config: AttributionConfig): number | null {
  const ends = [
    ...state.clicks.map((t) => t.timeMs + config.clickWindowMs + config.latenessMs),
    ...state.views.map((t) => t.timeMs + config.viewWindowMs + config.latenessMs),
  ];
  return ends.length === 0 ? null : Math.max(...ends) + 1;
}
