import { clickEventIdOf, type Touch, type UserTouchState } from './touches.ts';

/**
 * Tracking's per-user touch state as its store writes it: the whole state on every touch, to
 * the changelog too, so its size is paid per impression (~290 bytes of JSON per touch kept,
 * a touch's type and two of its ids derivable from the rest). Version 2 writes a touch that
 * follows the pipeline's rules as `[impressionId, timeMs, campaignId, adId, traceparent]`
 * (~135 bytes): its type is its list's, its event id the impression id (a view) or
 * `<impression id>:click` (a click), its original event id the impression id up to its first
 * dot (`impressionIdOf`). Any other touch is written whole, and state written before version 2
 * (`{clicks, views}` of whole touches) reads as it was: a restore after an upgrade loses nothing.
 */
interface EncodedV2 {
  readonly v: 2;
  readonly c: readonly (CompactTouch | Touch)[];
  readonly w: readonly (CompactTouch | Touch)[];
}

type CompactTouch = readonly [
  impressionId: string,
  timeMs: number,
  campaignId: string,
  adId: string,
  traceparent: string | null,
];

export function encodeTouchState(state: UserTouchState): Buffer {
  const encoded: EncodedV2 = {
    v: 2,
    c: state.clicks.map((t) => compact(t, 'CLICK')),
    w: state.views.map((t) => compact(t, 'VIEW')),
  };
  return Buffer.from(JSON.stringify(encoded));
}

export function decodeTouchState(bytes: Buffer): UserTouchState {
  const parsed = JSON.parse(bytes.toString('utf8')) as EncodedV2 | UserTouchState;
  if (!('v' in parsed)) return parsed;
  if (parsed.v !== 2) throw new TypeError(`touch state of unknown version ${String(parsed.v)}`);
  return { clicks: parsed.c.map((t) => expand(t, 'CLICK')), views: parsed.w.map((t) => expand(t, 'VIEW')) };
}

function compact(touch: Touch, type: Touch['type']): CompactTouch | Touch {
  const { impressionId } = touch;
  const derived =
    touch.type === type &&
    touch.eventId === eventIdOf(impressionId, type) &&
    touch.originalEventId === originalEventIdOf(impressionId);
  return derived ? [impressionId, touch.timeMs, touch.campaignId, touch.adId, touch.traceparent] : touch;
}

function expand(entry: CompactTouch | Touch, type: Touch['type']): Touch {
  if (!Array.isArray(entry)) return entry as Touch;
  const [impressionId, timeMs, campaignId, adId, traceparent] = entry as CompactTouch;
  // Written compact only when the impression id has it (compact() compared them).
  const originalEventId = originalEventIdOf(impressionId) as string;
  return {
    type,
    impressionId,
    eventId: eventIdOf(impressionId, type),
    timeMs,
    campaignId,
    adId,
    originalEventId,
    traceparent,
  };
}

function eventIdOf(impressionId: string, type: Touch['type']): string {
  return type === 'CLICK' ? clickEventIdOf(impressionId) : impressionId;
}

/** `impressionIdOf(eventId, impId)` is `<event id>.<imp id>`; event ids hold no dot, imp ids may. */
function originalEventIdOf(impressionId: string): string | undefined {
  const dot = impressionId.indexOf('.');
  return dot > 0 ? impressionId.slice(0, dot) : undefined;
}
