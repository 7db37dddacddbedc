import type { AttributedEvent } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { dueMsOf, enqueue, type JoinView, nextCheckMs, type Parked, parkedUntil, release } from './join-wait.ts';

const WAIT = 30_000;
const event = (kind: 'CLICK' | 'CONVERSION', id: string, timeMs: number): AttributedEvent => ({
  eventId: kind === 'CLICK' ? `${id}:click` : id,
  kind,
  originalEventId: '',
  campaignId: '',
  adId: '',
  userKey: 'u',
  touch: 'NONE',
  costMicros: 0,
  valueMicros: 0,
  pctr: 0,
  eventTimeMs: timeMs,
  attributedAtMs: 0,
  impressionId: kind === 'CLICK' ? id : '',
  touchEventId: null,
  touchTimeMs: null,
  originalCurrency: 'USD',
  originalValueMicros: 0,
  modelVersion: null,
});
/** Parked at stream time `parkedAtMs`, presented to stage one at `presentedAtMs`, with a re-key skew. */
const park = (
  kind: 'CLICK' | 'CONVERSION',
  id: string,
  timeMs: number,
  parkedAtMs = timeMs,
  presentedAtMs = timeMs,
  rekeySkewMs = 0,
) => {
  const e = event(kind, id, timeMs);
  const dueMs = dueMsOf(e, presentedAtMs, rekeySkewMs);
  const parked: Parked = {
    event: e,
    traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
    dueMs,
    untilMs: parkedUntil(dueMs, parkedAtMs, WAIT),
  };
  return parked;
};
const view = (streamTimeMs: number, impressions: string[] = []): JoinView => ({
  streamTimeMs,
  hasImpression: (id) => impressions.includes(id),
});
const ids = (ps: readonly Parked[]) => ps.map((p) => p.event.eventId);

describe('join wait', () => {
  it('holds a click until tracking has seen its impression, then releases it', () => {
    const click = park('CLICK', 'imp-1', 5_000);
    // Stream time past the click changes nothing: the impression may still be on its way.
    expect(ids(release([click], view(20_000)).waiting)).toEqual(['imp-1:click']);
    expect(ids(release([click], view(20_000, ['imp-1'])).ready)).toEqual(['imp-1:click']);
  });

  it('holds a conversion until stream time (so the impressions) has reached its time', () => {
    const conversion = park('CONVERSION', 'conv-1', 10_000, 4_000);
    expect(ids(release([conversion], view(9_999)).waiting)).toEqual(['conv-1']);
    expect(ids(release([conversion], view(10_000)).ready)).toEqual(['conv-1']);
  });

  it('holds a conversion until stream time has reached the time it was presented, if later than its own', () => {
    // Presented 4 s after its time: a click presented just before it may still be in stage one.
    const conversion = park('CONVERSION', 'conv-1', 10_000, 10_000, 14_000);
    expect(conversion.dueMs).toBe(14_000);
    expect(ids(release([conversion], view(13_999)).waiting)).toEqual(['conv-1']);
    expect(ids(release([conversion], view(14_000)).ready)).toEqual(['conv-1']);
    expect(conversion.untilMs).toBe(44_000);
    expect(nextCheckMs([conversion], 12_000)).toBe(14_000);
    // A click is due at its own time, whenever it was presented: it waits for its impression only.
    expect(dueMsOf(event('CLICK', 'imp-1', 5_000), 9_000, 5_000)).toBe(5_000);
  });

  it('holds a conversion until stream time is past its presentation by the re-key skew', () => {
    // Its click was presented at the same moment but re-keyed by another task of stage one, which
    // lags: stream time reaching the presentation (the conversion's own re-keyed timestamp, and
    // impressions served since) says nothing of that task. Before, it was released at 14 s and
    // would have lost its click touch.
    const conversion = park('CONVERSION', 'conv-1', 10_000, 14_000, 14_000, 5_000);
    expect(conversion.dueMs).toBe(19_000);
    expect(ids(release([conversion], view(14_000)).waiting)).toEqual(['conv-1']);
    expect(ids(release([conversion], view(18_999)).waiting)).toEqual(['conv-1']);
    expect(ids(release([conversion], view(19_000)).ready)).toEqual(['conv-1']);
    expect(nextCheckMs([conversion], 14_000)).toBe(19_000);
    // A conversion whose own time is later than its presentation plus the skew: its own time.
    expect(dueMsOf(event('CONVERSION', 'conv-2', 30_000), 14_000, 5_000)).toBe(30_000);
  });

  it('holds a conversion behind a parked click of its user at or before it, not behind a later one', () => {
    const click = park('CLICK', 'imp-1', 5_000);
    const conversion = park('CONVERSION', 'conv-1', 10_000);
    const later = park('CLICK', 'imp-2', 12_000);
    const queue = [click, conversion, later].reduce<Parked[]>(enqueue, []);
    expect(ids(release(queue, view(15_000)).ready)).toEqual([]);
    // Its click's impression came: the click first, then the conversion (it is its touch).
    expect(ids(release(queue, view(15_000, ['imp-1'])).ready)).toEqual(['imp-1:click', 'conv-1']);
    expect(ids(release(queue, view(15_000, ['imp-1'])).waiting)).toEqual(['imp-2:click']);
  });

  it('orders by event time, a click before a conversion of the same time, else as they came', () => {
    const queue = [
      park('CONVERSION', 'conv-late', 9_000),
      park('CONVERSION', 'conv-same', 7_000),
      park('CLICK', 'imp-same', 7_000),
      park('CLICK', 'imp-early', 1_000),
      park('CONVERSION', 'conv-same-2', 7_000),
    ].reduce<Parked[]>(enqueue, []);
    expect(ids(queue)).toEqual(['imp-early:click', 'imp-same:click', 'conv-same', 'conv-same-2', 'conv-late']);
  });

  it('releases whatever waited once stream time reaches the end of its wait: a click without impression, never lost', () => {
    const click = park('CLICK', 'imp-never', 5_000);
    const conversion = park('CONVERSION', 'conv-1', 10_000);
    const queue = [click, conversion];
    expect(click.untilMs).toBe(35_000);
    expect(ids(release(queue, view(34_999)).ready)).toEqual([]);
    expect(ids(release(queue, view(35_000)).ready)).toEqual(['imp-never:click', 'conv-1']);
  });

  it('waits from stream time when the event is older than it, from its own time when newer', () => {
    expect(parkedUntil(5_000, 60_000, WAIT)).toBe(90_000);
    expect(parkedUntil(5_000, 1_000, WAIT)).toBe(35_000);
    expect(parkedUntil(5_000, Number.NEGATIVE_INFINITY, WAIT)).toBe(35_000);
    // No wait: everything is released as it comes, the order of old.
    expect(
      ids(
        release(
          [park('CLICK', 'imp-1', 5_000, 5_000)].map((p) => ({ ...p, untilMs: 5_000 })),
          view(5_000),
        ).ready,
      ),
    ).toEqual(['imp-1:click']);
  });

  it('re-checks at a waiting conversion’s time while stream time is short of it, else at the end of the wait', () => {
    const click = park('CLICK', 'imp-1', 5_000);
    const conversion = park('CONVERSION', 'conv-1', 20_000, 2_000);
    expect(nextCheckMs([click, conversion], 2_000)).toBe(20_000);
    // Stream time passed the conversion: it waits for the click, which waits for its impression or its end.
    expect(nextCheckMs([click, conversion], 21_000)).toBe(35_000);
    expect(nextCheckMs([], 21_000)).toBeUndefined();
  });
});
