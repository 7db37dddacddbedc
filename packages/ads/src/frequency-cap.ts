// Frequency caps per user × campaign × window, as pure state transitions: the auction asks
// capAllows(state, now) before bidding; the impressions it consumes (billable events, not
// wins) advance the state with recordImpression. The caller keeps one CapState per user ×
// campaign in a TTL store whose TTL is capStateTtlMs (after that the state allows everything).
import type { FrequencyCap } from '@adtrace/schemas';

/** Impression times (epoch ms), ascending, trimmed to what the caps can still see. */
export interface CapState {
  readonly times: readonly number[];
}

export const EMPTY_CAP_STATE: CapState = { times: [] };

/** The store key of a user × campaign state. */
export function capStateKey(userKey: string, campaignId: string): string {
  return `${userKey}\u0000${campaignId}`;
}

/** Impressions inside the sliding window (nowMs − windowMs, nowMs]. */
export function countInWindow(state: CapState, windowMs: number, nowMs: number): number {
  let n = 0;
  for (let i = state.times.length - 1; i >= 0; i--) {
    const t = state.times[i]!;
    if (t > nowMs) continue; // an impression stamped later than now (clock skew) is not yet counted
    if (t <= nowMs - windowMs) break;
    n++;
  }
  return n;
}

/** Whether one more impression at nowMs keeps every cap: each window holds fewer than its max. */
export function capAllows(caps: readonly FrequencyCap[], state: CapState | undefined, nowMs: number): boolean {
  if (!state || caps.length === 0) return true;
  return caps.every((cap) => countInWindow(state, cap.windowMs, nowMs) < cap.maxImpressions);
}

/**
 * The state after an impression at atMs. Impressions arrive late and out of order, so the time
 * is inserted in place. Only the newest max(maxImpressions) times inside the longest window are
 * kept: a cap of m only needs to know whether m recent impressions exist, so the state stays
 * small however often a user is seen.
 */
export function recordImpression(caps: readonly FrequencyCap[], state: CapState | undefined, atMs: number): CapState {
  if (caps.length === 0) return EMPTY_CAP_STATE;
  const times = [...(state?.times ?? [])];
  let i = times.length;
  while (i > 0 && times[i - 1]! > atMs) i--;
  times.splice(i, 0, atMs);
  const newest = times[times.length - 1]!;
  const horizon = newest - capStateTtlMs(caps);
  const keep = Math.max(...caps.map((c) => c.maxImpressions));
  const recent = times.filter((t) => t > horizon);
  return { times: recent.slice(Math.max(0, recent.length - keep)) };
}

/** How long a state matters after its last impression: the longest window. */
export function capStateTtlMs(caps: readonly FrequencyCap[]): number {
  return caps.reduce((max, c) => Math.max(max, c.windowMs), 0);
}
