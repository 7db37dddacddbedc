import type { Dialect } from './dialect.ts';
import { toNumber } from './values.ts';
import type { StageReport, StageStats } from './warehouse.ts';

/**
 * Cost and latency by stage, over the traces of ad events (traces with an `adtrace.event_id`)
 * that started at or after $1 (µs since the epoch).
 *
 * - A stage's **latency** in one event is the summed duration of its hop roots: its spans whose
 *   parent is in another stage (or absent) — the `process` span of a hop, not its children too.
 * - Its **cost** is the sum of its spans' `cost_usd`, which is self cost, so nothing is counted
 *   twice however deep the spans nest.
 */
export function stageReportSql(d: Dialect, by: 'service' | 'span'): { stages: string; totals: string } {
  const stage = by === 'span' ? `service || ' ' || name` : 'service';
  const ev = `
WITH s AS (
  SELECT trace_id, span_id, parent_span_id, ${stage} AS stage, ${d.timestampToMicros('start')} AS start_us,
    duration_ms, compute_usd, kafka_usd, query_usd, cost_usd, event_id
  FROM spans WHERE start >= ${d.timestampFromMicros('$1')}
),
ev AS (
  SELECT trace_id, (max(start_us + duration_ms * 1000) - min(start_us)) / 1000.0 AS e2e_ms, sum(cost_usd) AS cost_usd
  FROM s GROUP BY trace_id HAVING count(event_id) > 0
)`;
  const stages = `${ev},
se AS (SELECT s.* FROM s JOIN ev ON ev.trace_id = s.trace_id),
hop AS (
  SELECT c.trace_id, c.stage, sum(c.duration_ms) AS latency_ms
  FROM se c LEFT JOIN se p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE p.span_id IS NULL OR p.stage <> c.stage
  GROUP BY c.trace_id, c.stage
),
cost AS (
  SELECT trace_id, stage, sum(compute_usd) AS compute_usd, sum(kafka_usd) AS kafka_usd,
    sum(query_usd) AS query_usd, sum(cost_usd) AS cost_usd
  FROM se GROUP BY trace_id, stage
)
SELECT cost.stage AS stage, count(*) AS events,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(hop.latency_ms, 0)) AS p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY coalesce(hop.latency_ms, 0)) AS p99,
  sum(coalesce(hop.latency_ms, 0)) AS latency_sum, sum(cost.compute_usd) AS compute_usd,
  sum(cost.kafka_usd) AS kafka_usd, sum(cost.query_usd) AS query_usd, sum(cost.cost_usd) AS cost_usd
FROM cost LEFT JOIN hop ON hop.trace_id = cost.trace_id AND hop.stage = cost.stage
GROUP BY cost.stage
ORDER BY sum(cost.cost_usd) DESC, cost.stage`;
  const totals = `${ev}
SELECT count(*) AS events,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY e2e_ms) AS p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY e2e_ms) AS p99,
  sum(cost_usd) AS cost_usd
FROM ev`;
  return { stages, totals };
}

/** Shares and per-event figures from the two result sets. */
export function toStageReport(
  stageRows: readonly Record<string, unknown>[],
  totals: Record<string, unknown>,
): StageReport {
  const events = toNumber(totals.events);
  const latencySum = stageRows.reduce((s, r) => s + toNumber(r.latency_sum), 0);
  const costSum = stageRows.reduce((s, r) => s + toNumber(r.cost_usd), 0);
  const share = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
  const stages: StageStats[] = stageRows.map((r) => ({
    stage: String(r.stage),
    events: toNumber(r.events),
    latencyP50Ms: toNumber(r.p50),
    latencyP99Ms: toNumber(r.p99),
    latencyShare: share(toNumber(r.latency_sum), latencySum),
    costPerEventUsd: share(toNumber(r.cost_usd), events),
    costShare: share(toNumber(r.cost_usd), costSum),
    computeUsd: toNumber(r.compute_usd),
    kafkaUsd: toNumber(r.kafka_usd),
    queryUsd: toNumber(r.query_usd),
    costUsd: toNumber(r.cost_usd),
  }));
  return {
    events,
    endToEndP50Ms: toNumber(totals.p50),
    endToEndP99Ms: toNumber(totals.p99),
    costPerEventUsd: share(toNumber(totals.cost_usd), events),
    stages,
  };
}
