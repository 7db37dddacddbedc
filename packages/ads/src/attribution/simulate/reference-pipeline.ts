import type { AttributedEvent } from '@adtrace/schemas';
import { attribute, clickEvent, clickTouchOf, conversionEvent, impressionEvent } from '../attribute.ts';
import type { AttributionConfig } from '../config.ts';
import { clickDedupKey, conversionDedupKey } from '../dedup.ts';
import { EMPTY_TOUCH_STATE, recordTouch, touchIdOf, type UserTouchState, viewTouchOf } from '../touches.ts';
import type { SimImpression } from './impressions.ts';
import type { SimModel } from './model.ts';
import type { SimUserEvent } from './user-events.ts';

export interface TrackedEvent {
  readonly deliverAtMs: number;
  readonly event: AttributedEvent;
}

export interface TrackingRun {
  readonly attributed: TrackedEvent[];
  readonly deadLetters: Array<{ readonly reason: 'FORGED' | 'EXPIRED'; readonly deliverAtMs: number }>;
  duplicates: number;
  readonly unattributed: string[];
}

/**
 * Tracking's rules over the simulator's output, in delivery order, as one partition: verify
 * (a token stands for a known impression, within its TTL — a stand-in for the HMAC check),
 * de-duplicate (first wins), record touches, attribute conversions. What the tracking service
 * does with Kafka, minus Kafka; used to test attribution and aggregation end to end in memory.
 */
export function runTracking(
  impressions: readonly SimImpression[],
  events: readonly SimUserEvent[],
  model: SimModel,
  config: AttributionConfig,
): TrackingRun {
  const byToken = new Map(impressions.map((s) => [s.impression.trackingToken, s]));
  type Item = { deliverAtMs: number; rank: number; imp?: SimImpression; user?: SimUserEvent };
  const items: Item[] = [
    ...impressions.map((imp) => ({ deliverAtMs: imp.deliverAtMs, rank: 0, imp })),
    ...events.map((user) => ({ deliverAtMs: user.deliverAtMs, rank: user.kind === 'click' ? 1 : 2, user })),
  ].sort((a, b) => a.deliverAtMs - b.deliverAtMs || a.rank - b.rank);
  const states = new Map<string, UserTouchState>();
  // The runtime's de-duplication store; the rule is firstWins's (first wins), kept in a Set for speed.
  const seen = new Set<string>();
  let streamTimeMs = Number.NEGATIVE_INFINITY;
  const run: TrackingRun = { attributed: [], deadLetters: [], duplicates: 0, unattributed: [] };
  const admit = (key: string): boolean => {
    if (seen.has(key)) {
      run.duplicates++;
      return false;
    }
    seen.add(key);
    return true;
  };
  for (const { deliverAtMs, imp, user } of items) {
    if (imp) {
      const i = imp.impression;
      streamTimeMs = Math.max(streamTimeMs, i.eventTimeMs);
      states.set(
        i.userKey,
        recordTouch(states.get(i.userKey) ?? EMPTY_TOUCH_STATE, viewTouchOf(i), streamTimeMs, config),
      );
      run.attributed.push({ deliverAtMs, event: impressionEvent(i, deliverAtMs) });
    } else if (user?.kind === 'click') {
      const sim = byToken.get(user.token);
      if (!sim) {
        run.deadLetters.push({ reason: 'FORGED', deliverAtMs });
        continue;
      }
      const i = sim.impression;
      if (user.eventTimeMs - i.eventTimeMs > model.windows.tokenTtlMs) {
        run.deadLetters.push({ reason: 'EXPIRED', deliverAtMs });
        continue;
      }
      const impressionId = touchIdOf(i);
      if (!admit(clickDedupKey(impressionId))) continue;
      streamTimeMs = Math.max(streamTimeMs, user.eventTimeMs);
      const click = {
        impressionId,
        originalEventId: i.eventId,
        campaignId: i.campaignId,
        adId: i.adId,
        userKey: i.userKey,
        timeMs: user.eventTimeMs,
        costMicros: i.bidType === 'CPC' ? i.clickPriceMicros : 0,
        modelVersion: i.modelVersion,
        traceparent: null,
      };
      states.set(
        i.userKey,
        recordTouch(states.get(i.userKey) ?? EMPTY_TOUCH_STATE, clickTouchOf(click), streamTimeMs, config),
      );
      run.attributed.push({ deliverAtMs, event: clickEvent(click, deliverAtMs) });
    } else if (user?.kind === 'conversion') {
      if (!admit(conversionDedupKey(user.conversionId))) continue;
      streamTimeMs = Math.max(streamTimeMs, user.eventTimeMs);
      const conversion = {
        conversionId: user.conversionId,
        userKey: user.userKey,
        timeMs: user.eventTimeMs,
        valueMicros: user.valueMicros,
        currency: user.currency,
      };
      const { result, nextState } = attribute(states.get(user.userKey) ?? EMPTY_TOUCH_STATE, conversion, {
        config,
        rates: model.rates,
        streamTimeMs,
      });
      states.set(user.userKey, nextState);
      if (result.status === 'attributed')
        run.attributed.push({ deliverAtMs, event: conversionEvent(result, deliverAtMs) });
      else run.unattributed.push(user.conversionId);
    }
  }
  return run;
}
