// The service's side of the ROAS rule (packages/ads aggregation/roas-windows.ts is the
// reference): the runtime's window holds a campaign-window's totals; a small TTL store holds
// what was last emitted for it, so revisions count 0, 1, 2, … across closed / restated / final
// and data later than the grace raises the window's lateDropped even after the runtime let the
// window go. Pure: no Kafka, no clock.
import { addEvent, EMPTY_TOTALS, type RoasConfig, ratiosOf, type WindowTotals } from '@adtrace/ads';
import type { AttributedEvent, RoasWindow } from '@adtrace/schemas';

/** The runtime window's value: totals plus the first events' span contexts (the flush span's links). */
export interface RoasAccumulator {
  readonly totals: WindowTotals;
  /** [traceId, spanId] of the first `maxLinks` events' ads.aggregate.apply spans. */
  readonly links: ReadonlyArray<readonly [string, string]>;
  /** Events counted (the links may show fewer). */
  readonly events: number;
}

/** What was emitted for a campaign-window, kept past its final emission for lateDropped. */
export interface EmittedWindow {
  /** Last record emitted; null while none was. */
  readonly last: RoasWindow | null;
  /** Events of this window that came after its grace. */
  readonly lateDropped: number;
}

export const MAX_LINKS = 32;

export const metaKeyOf = (campaignId: string, windowStartMs: number): string => `${campaignId}|${windowStartMs}`;

export function accumulate(
  current: RoasAccumulator | undefined,
  event: AttributedEvent,
  link: readonly [string, string] | undefined,
): RoasAccumulator {
  const base = current ?? { totals: EMPTY_TOTALS, links: [], events: 0 };
  const links = link && base.links.length < MAX_LINKS ? [...base.links, link] : base.links;
  return { totals: addEvent(base.totals, event), links, events: base.events + 1 };
}

export interface WindowAt {
  readonly campaignId: string;
  readonly windowStartMs: number;
  /** The task's stream time now: completeThroughMs = stream time − grace. */
  readonly streamTimeMs: number;
  readonly emittedAtMs: number;
}

/**
 * The record for a window the runtime announced: `closed` and `restated` are revisions of an
 * open window, `final` the last one with the totals it had. The revision follows the last one
 * emitted, whatever the runtime's announcements were (a restored task announces nothing again).
 */
export function windowRecord(
  totals: WindowTotals,
  meta: EmittedWindow | undefined,
  final: boolean,
  at: WindowAt,
  config: RoasConfig,
): { record: RoasWindow; meta: EmittedWindow } {
  const lateDropped = meta?.lateDropped ?? 0;
  const record: RoasWindow = {
    campaignId: at.campaignId,
    windowStartMs: at.windowStartMs,
    windowEndMs: at.windowStartMs + config.windowMs,
    impressions: totals.impressions,
    clicks: totals.clicks,
    conversions: totals.conversions,
    spendMicros: totals.spendMicros,
    revenueMicros: totals.revenueMicros,
    ...ratiosOf(totals),
    completeThroughMs: at.streamTimeMs - config.graceMs,
    final,
    revision: (meta?.last?.revision ?? -1) + 1,
    emittedAtMs: at.emittedAtMs,
    generation: config.generation,
    currency: 'USD',
    lateDropped,
    clickThroughConversions: totals.clickThroughConversions,
    viewThroughConversions: totals.viewThroughConversions,
    clickThroughRevenueMicros: totals.clickThroughRevenueMicros,
    viewThroughRevenueMicros: totals.viewThroughRevenueMicros,
  };
  return { record, meta: { last: record, lateDropped } };
}

/**
 * An event the runtime refused as late (its window's grace had passed). Counted in the
 * window's lateDropped; what is emitted depends on where the window is:
 * - still held by the runtime (it goes final at the end of this chunk): nothing now, the final
 *   record carries the count;
 * - final already emitted (or the runtime no longer holds it): a final restatement (revision + 1, same totals, lateDropped + 1);
 * - never seen, within retention: a final window of zeros with lateDropped 1;
 * - beyond retention (`retained` false): nothing here; the event is on the late topic only.
 */
export function lateEvent(
  meta: EmittedWindow | undefined,
  windowHeld: boolean,
  retained: boolean,
  at: WindowAt,
  config: RoasConfig,
): { record: RoasWindow | null; meta: EmittedWindow | null } {
  if (!retained && !meta) return { record: null, meta: null };
  const counted: EmittedWindow = { last: meta?.last ?? null, lateDropped: (meta?.lateDropped ?? 0) + 1 };
  if (windowHeld && !counted.last?.final) return { record: null, meta: counted };
  if (counted.last) {
    const record: RoasWindow = {
      ...counted.last,
      final: true,
      revision: counted.last.revision + 1,
      lateDropped: counted.lateDropped,
      emittedAtMs: at.emittedAtMs,
      completeThroughMs: Math.max(counted.last.completeThroughMs, at.streamTimeMs - config.graceMs),
    };
    return { record, meta: { last: record, lateDropped: counted.lateDropped } };
  }
  return windowRecord(EMPTY_TOTALS, counted, true, at, config);
}

/** Stream time after which a window's late data is no longer counted in it (only on the late topic). */
export const retainedUntil = (windowStartMs: number, config: RoasConfig): number =>
  windowStartMs + config.windowMs + config.graceMs + config.retentionMs;
