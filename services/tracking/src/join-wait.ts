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
 *   be its touch), and until stream time has reached its **due time**: the later of its own time
 *   and the time it was presented to stage one (the re-keyed record's timestamp) plus the re-key
 *   skew. Stream time is the lowest of the two inputs' highest timestamps, and delivery stamps an
 *   impression with the time it served it: every impression served before the conversion is then
 *   in. And raw events are unkeyed, so two of stage one's tasks can re-key a user's click and
 *   conversion, and the click's can lag: the re-keyed topic's own timestamps are then no
 *   watermark of stage one. The skew (TRACKING_REKEY_SKEW_MS) is the bound on that lag: a click
 *   presented before the conversion has come once stream time is that far past it. (Exact
 *   whatever the lag would need stage one's tasks to write watermarks into every re-keyed
 *   partition.) A quiet impressions partition stops holding stream time back after the
 *   runtime's idle time; one with records fetched or on the broker never does.
 *
 * Either is handled anyway once stream time reaches `untilMs` (the bounded wait,
 * TRACKING_JOIN_WAIT_MS past the later of its due time and stream time when it was parked): a
 * click then counts without its impression, as before, so nothing is ever lost. Pure: the hop
 * keeps the queues in a changelogged store and re-checks a user's on its impressions and on a
 * timer at `nextCheckMs`.
 */
export interface Parked {
  /** The re-keyed CLICK or CONVERSION, as stage one wrote it. */
  readonly event: AttributedEvent;
  /** W3C traceparent of the event's own process span: its `ads.attribute` span continues there. */
  readonly traceparent: string;
  /** When it may be handled at the earliest: a click's time; a conversion's due time (above). */
  readonly dueMs: number;
  /** Stream time from which it is handled whatever has arrived. */
  readonly untilMs: number;
}

/** What the task knows now. */
export interface JoinView {
  readonly streamTimeMs: number;
  /** Tracking has seen this impression (its click price is in the store). */
  hasImpression(impressionId: string): boolean;
}

/** The bounded wait's end: `waitMs` of stream time past the event's time, or past stream time if that is later. */
export function parkedUntil(eventTimeMs: number, streamTimeMs: number, waitMs: number): number {
  return Math.max(eventTimeMs, streamTimeMs) + waitMs;
}

/**
 * When an event may be handled at the earliest: a click at its own time; a conversion at its due
 * time, the later of its own time and its presentation plus `rekeySkewMs` (above).
 */
export function dueMsOf(e: AttributedEvent, presentedAtMs: number, rekeySkewMs: number): number {
  return e.kind === 'CONVERSION' ? Math.max(e.eventTimeMs, presentedAtMs + rekeySkewMs) : e.eventTimeMs;
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
    else joined = p.dueMs <= view.streamTimeMs && !waiting.some((w) => w.event.kind === 'CLICK');
    (waited || joined ? ready : waiting).push(p);
  }
  return { ready, waiting };
}

/**
 * The stream time at which something of `waiting` can next be released without a new record of
 * its user: a conversion's due time while stream time is short of it, else each one's wait end.
 * Always later than `streamTimeMs` (what is due by then was released); undefined when empty.
 */
export function nextCheckMs(waiting: readonly Parked[], streamTimeMs: number): number | undefined {
  let next: number | undefined;
  for (const p of waiting) {
    const e = p.event;
    const due = e.kind === 'CONVERSION' ? p.dueMs : Number.POSITIVE_INFINITY;
    const at = due > streamTimeMs ? Math.min(due, p.untilMs) : p.untilMs;
    if (next === undefined || at < next) next = at;
  }
  return next;
}
