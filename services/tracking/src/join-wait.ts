import type { AttributedEvent } from '@adtrace/schemas';

/**
 * Stage two joins two inputs, the impressions and the re-keyed clicks and conversions, and the
 * runtime hands it their records in fetch order. An impression comes through four hops
 * (ingest → profiling → auction → delivery), a click through one (re-key), so under load a click
 * or conversion can be handled before the impression it needs — not yet fetched, or not even on
 * the impressions topic yet. So a user's clicks and conversions wait here (parked, in a store
 * keyed by user key) until what they join with has arrived:
 *
 * - a **click** until tracking has seen its impression (by impression id: exact);
 * - a **conversion** until no click of the user at or before it is still parked (that click may
 *   be its touch), and until the impressions have reached the later of its time and the time it
 *   was presented to stage one (`attributedAtMs` of the re-keyed record; 0 in older records).
 *   Delivery stamps an impression with the time it served it, so every impression served before
 *   the conversion is then in; and a click presented before the conversion, whose path (one hop)
 *   is shorter than the impressions' (four), has come too — raw events are unkeyed, so stage
 *   one's tasks can swap a click and a conversion presented a moment apart. "The impressions have
 *   reached t": their own highest timestamp, or stream time (which the runtime's idle policy
 *   moves on when the impressions partition is quiet).
 *
 * Either is handled anyway once stream time reaches `untilMs` (the bounded wait,
 * TRACKING_JOIN_WAIT_MS past the later of its own time — a conversion's due time — and stream
 * time when it was parked): a click then counts without its impression, as before, so nothing is
 * ever lost. Pure: the hop keeps the queues in a changelogged store and re-checks a user's on its
 * impressions, once the impressions pass a due time of it (`reindex`), and on a timer at `nextCheckMs`.
 */
export interface Parked {
  /** The re-keyed CLICK or CONVERSION, as stage one wrote it. */
  readonly event: AttributedEvent;
  /** W3C traceparent of the event's own process span: its `ads.attribute` span continues there. */
  readonly traceparent: string;
  /** Stream time from which it is handled whatever has arrived. */
  readonly untilMs: number;
}

/** What the task knows now. */
export interface JoinView {
  readonly streamTimeMs: number;
  /** The impressions input's highest timestamp in this task. */
  readonly impressionsTimeMs: number;
  /** Tracking has seen this impression (its click price is in the store). */
  hasImpression(impressionId: string): boolean;
}

/** The bounded wait's end: `waitMs` of stream time past the event's time, or past stream time if that is later. */
export function parkedUntil(eventTimeMs: number, streamTimeMs: number, waitMs: number): number {
  return Math.max(eventTimeMs, streamTimeMs) + waitMs;
}

/** The time the impressions must reach before a conversion is attributed (see above). */
export function conversionDueMs(e: AttributedEvent): number {
  return Math.max(e.eventTimeMs, e.attributedAtMs);
}

/** The time a parked event's wait is counted from: a conversion's due time, a click's own time. */
export function waitsFromMs(e: AttributedEvent): number {
  return e.kind === 'CONVERSION' ? conversionDueMs(e) : e.eventTimeMs;
}

const kindRank = (e: AttributedEvent) => (e.kind === 'CLICK' ? 0 : 1);

/**
 * The order a user's events are handled in: by event time, a click before a conversion of the
 * same time (attribution counts touches at or before the conversion), then as they came.
 */
function before(a: AttributedEvent, b: AttributedEvent): boolean {
  return a.eventTimeMs < b.eventTimeMs || (a.eventTimeMs === b.eventTimeMs && kindRank(a) < kindRank(b));
}

/** `queue` with `parked` inserted in handling order (after every entry it does not come before). */
export function enqueue(queue: readonly Parked[], parked: Parked): Parked[] {
  const at = queue.findIndex((q) => before(parked.event, q.event));
  return at < 0 ? [...queue, parked] : [...queue.slice(0, at), parked, ...queue.slice(at)];
}

/** Splits a user's queue into what to handle now, in order, and what still waits (in order). */
export function release(queue: readonly Parked[], view: JoinView): { ready: Parked[]; waiting: Parked[] } {
  const ready: Parked[] = [];
  const waiting: Parked[] = [];
  for (const p of queue) {
    const e = p.event;
    const waited = p.untilMs <= view.streamTimeMs;
    let joined: boolean;
    if (e.kind === 'CLICK') joined = view.hasImpression(e.impressionId);
    // Every click still waiting comes before it in the queue: at or before its time.
    else
      joined =
        conversionDueMs(e) <= Math.max(view.streamTimeMs, view.impressionsTimeMs) &&
        !waiting.some((w) => w.event.kind === 'CLICK');
    (waited || joined ? ready : waiting).push(p);
  }
  return { ready, waiting };
}

/**
 * The stream time at which something of `waiting` can next be released without a new record of
 * its user: a conversion's due time while stream time is short of it, else each one's wait end
 * (the impressions' own time may reach a due time sooner: `dueConversions` indexes those).
 * Always later than `streamTimeMs` (what is due by then was released); undefined when empty.
 */
export function nextCheckMs(waiting: readonly Parked[], streamTimeMs: number): number | undefined {
  let next: number | undefined;
  for (const p of waiting) {
    const e = p.event;
    const due = e.kind === 'CONVERSION' ? conversionDueMs(e) : Number.POSITIVE_INFINITY;
    const at = due > streamTimeMs ? Math.min(due, p.untilMs) : p.untilMs;
    if (next === undefined || at < next) next = at;
  }
  return next;
}

/** A conversion waiting for the impressions' time, in the partition's index (by due time). */
export interface DueEntry {
  readonly dueMs: number;
  readonly userKey: string;
}

/**
 * The partition's index of users whose conversions wait for the impressions to reach a time:
 * `index` without `userKey`'s entries, plus one per conversion of `waiting` still short of
 * `impressionsTimeMs`, sorted by due time. The hop re-checks a user once the impressions pass
 * its entry (the timers fire on stream time, which the events input can hold back).
 */
export function reindex(
  index: readonly DueEntry[],
  userKey: string,
  waiting: readonly Parked[],
  impressionsTimeMs: number,
): DueEntry[] {
  const own = waiting
    .filter((p) => p.event.kind === 'CONVERSION' && conversionDueMs(p.event) > impressionsTimeMs)
    .map((p) => ({ dueMs: conversionDueMs(p.event), userKey }));
  return [...index.filter((d) => d.userKey !== userKey), ...own].sort((a, b) => a.dueMs - b.dueMs);
}
