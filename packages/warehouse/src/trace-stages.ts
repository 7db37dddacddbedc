import type { Dialect } from './dialect.ts';
import { toNumber } from './values.ts';

/**
 * What each of a set of traces holds, per service and span name: enough to tell whether an ad
 * event went through every stage its outcome implies (`adtrace demo`'s complete traces) without
 * fetching every span. `noFills` counts `ads.auction` spans with a no-fill reason,
 * `deadLettered` process spans that dead-lettered their record.
 */
export interface TraceStages {
  readonly traceId: string;
  /** Spans per service. */
  readonly services: Readonly<Record<string, number>>;
  /** Spans per span name. */
  readonly names: Readonly<Record<string, number>>;
  readonly noFills: number;
  readonly deadLettered: number;
}

/** At most this many trace ids per query. */
export const MAX_TRACE_STAGES = 500;

export function traceStagesSql(d: Dialect, count: number): string {
  const ids = Array.from({ length: count }, (_, i) => d.traceIdFromHex(`$${i + 1}`)).join(', ');
  return `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, service, name, count(*) AS spans,
  sum(CASE WHEN ${d.jsonText('attributes', 'ads.no_fill.reason')} IS NOT NULL THEN 1 ELSE 0 END) AS no_fills,
  sum(CASE WHEN status_message LIKE 'dead-lettered:%' THEN 1 ELSE 0 END) AS dead_lettered
FROM spans WHERE trace_id IN (${ids})
GROUP BY trace_id, service, name`;
}

export function toTraceStages(traceIds: readonly string[], rows: readonly Record<string, unknown>[]): TraceStages[] {
  const byTrace = new Map<
    string,
    { services: Record<string, number>; names: Record<string, number>; noFills: number; deadLettered: number }
  >(traceIds.map((id) => [id, { services: {}, names: {}, noFills: 0, deadLettered: 0 }]));
  for (const r of rows) {
    const t = byTrace.get(String(r.trace_id));
    if (!t) continue;
    const n = toNumber(r.spans);
    const service = String(r.service);
    const name = String(r.name);
    t.services[service] = (t.services[service] ?? 0) + n;
    t.names[name] = (t.names[name] ?? 0) + n;
    t.noFills += toNumber(r.no_fills);
    t.deadLettered += toNumber(r.dead_lettered);
  }
  return [...byTrace].map(([traceId, t]) => ({ traceId, ...t }));
}
