import type { Dialect } from './dialect.ts';
import { toNumber } from './values.ts';
import type { StageReport, StageStats } from './warehouse.ts';

/** The span an impression is served in (delivery), and the span a conversion is attributed in (tracking). */
export const SERVED_SPAN = 'ads.prepare_creative';
export const ATTRIBUTE_SPAN = 'ads.attribute';
export const EVENT_TYPE_ATTRIBUTE = 'ads.event_type';
/** The warehouse service's span for a load of spans: what storing traces costs (scaled by the sampling ratio). */
export const TRACE_LOAD_SPAN = 'warehouse.load spans';

/** The warehouse service's name: its work on a stage's data is that stage's cost (below). */
export const WAREHOUSE_STAGE = 'warehouse';

/**
 * Whose data each table and topic the warehouse loads holds: the stage that wrote it. The
 * warehouse's loads of a table (`warehouse.load <table>`) and its per-record spans of a topic
 * (`process <namespace>.<topic>`: `topic` is the name after the namespace, ADTRACE_TOPIC_NAMESPACE)
 * are the cost of storing that stage's output, so they count as that stage's cost. Dead letters
 * and the campaign catalog belong to no one stage: the warehouse's.
 */
export const STORED_FOR: Readonly<Record<string, { readonly table: string; readonly topic: string }[]>> = {
  auction: [{ table: 'auction_outcomes', topic: 'auction-outcomes' }],
  delivery: [{ table: 'impressions', topic: 'impressions' }],
  tracking: [{ table: 'attributed_events', topic: 'attributed-events' }],
  aggregation: [
    { table: 'roas_windows', topic: 'roas' },
    { table: 'alerts', topic: 'alerts' },
    { table: 'late_events', topic: 'late-events' },
  ],
};

/** The stage a warehouse span's cost is for (by service only; `by=span` keeps every span its own). */
function costStageSql(d: Dialect): string {
  const pairs = Object.entries(STORED_FOR).flatMap(([stage, stored]) => stored.map((x) => ({ stage, ...x })));
  const byTable = pairs.map((p) => `WHEN '${p.table}' THEN '${p.stage}'`).join(' ');
  const byTopic = pairs.map((p) => `WHEN name LIKE 'process %.${p.topic}' THEN '${p.stage}'`).join(' ');
  return `CASE WHEN service = '${WAREHOUSE_STAGE}' THEN coalesce(
      CASE ${d.jsonText('attributes', 'adtrace.load.table')} ${byTable} END,
      CASE ${byTopic} END, service)
    ELSE service END`;
}

/**
 * Cost and latency by stage, **by trace**: the traces of ad events (traces with an
 * `adtrace.event_id`) whose first span started at or after $1 (µs since the epoch), each
 * counted whole — a click or conversion that joins the trace later counts with it, a trace that
 * began before $1 not at all. Spans of traces without an event (aggregation's flushes, the
 * warehouse's loads and queries) are shared work: those that started at or after $1 add to
 * their stage's cost, not to its latency or events.
 *
 * - A stage's **latency** in one event is the summed duration of its hop roots: its spans whose
 *   parent is in another stage (or absent) — the `process` span of a hop, not its children too.
 *   Latency stays with the service that spent it (the warehouse's loader included).
 * - Its **cost** is the sum of its spans' `cost_usd`, which is self cost, so nothing is counted
 *   twice however deep the spans nest — **plus what the warehouse spent storing its data**
 *   (by service): the loads of its output tables and the loader's spans of its output topics
 *   (`STORED_FOR`), and a share of storing traces (`warehouse.load spans`) in proportion to the
 *   bytes of its spans in range (attributes' text + name + ~100 bytes of fixed columns: the
 *   proportion, not the billed bytes, which the load spans priced). So the warehouse stage keeps
 *   only what is no stage's: queries (ops and `adtrace demo` reading), dead letters, the catalog.
 *   `storedUsd` is that part of a stage's cost.
 * - **Serving latency**: the trace's first span start to the end of its impression span
 *   (request → impression); **conversion lag**: the impression to the conversion's attribution
 *   span, which joins the impression's trace hours or days later. Reported apart, so neither
 *   hides in the other.
 */
export function stageReportSql(d: Dialect, by: 'service' | 'span'): { stages: string; totals: string } {
  const stage = by === 'span' ? `service || ' ' || name` : 'service';
  const costStage = by === 'span' ? stage : costStageSql(d);
  const traceLoad = by === 'span' ? '0' : `CASE WHEN name = '${TRACE_LOAD_SPAN}' THEN 1 ELSE 0 END`;
  // Only the range's spans are read whole. A trace that began before $1 is no event of the range,
  // and of its earlier spans only whether any carries an event matters (whether its later spans
  // are shared work): \`early\` reads two narrow columns of those, where reading every span of the
  // range's traces whole (their attributes too) scanned the whole table however short the range —
  // the live view asks for 5 minutes every 5 s, of a table that keeps a week (bench/README.md,
  // "the live view's cost query").
  const ev = `
WITH s AS (
  SELECT trace_id, span_id, parent_span_id, ${stage} AS stage, ${d.timestampToMicros('start')} AS start_us,
    duration_ms, compute_usd, kafka_usd, query_usd, storage_usd, cost_usd, event_id,
    ${costStage} AS cost_stage, ${traceLoad} AS is_trace_load,
    ${d.textBytes('attributes')} + ${d.textBytes('name')} + 100 AS span_bytes,
    CASE WHEN name = '${TRACE_LOAD_SPAN}' THEN cost_usd ELSE 0 END AS trace_store_usd,
    CASE WHEN name = '${SERVED_SPAN}' THEN ${d.timestampToMicros('start')} + duration_ms * 1000 END AS served_us,
    CASE WHEN name = '${ATTRIBUTE_SPAN}' AND ${d.jsonText('attributes', EVENT_TYPE_ATTRIBUTE)} = 'conversion'
      THEN ${d.timestampToMicros('start')} END AS converted_us
  FROM spans WHERE start >= ${d.timestampFromMicros('$1')}
),
early AS (
  SELECT trace_id, count(event_id) AS n_events FROM spans
  WHERE start < ${d.timestampFromMicros('$1')} AND trace_id IN (SELECT DISTINCT trace_id FROM s)
  GROUP BY trace_id
),
tr AS (
  SELECT s.trace_id, count(s.event_id) + coalesce(max(early.n_events), 0) AS n_events,
    count(early.trace_id) AS began_before,
    (max(start_us + duration_ms * 1000) - min(start_us)) / 1000.0 AS e2e_ms, min(start_us) AS first_us,
    max(served_us) AS served_us, min(converted_us) AS converted_us
  FROM s LEFT JOIN early ON early.trace_id = s.trace_id GROUP BY s.trace_id
),
ev AS (SELECT * FROM tr WHERE n_events > 0 AND began_before = 0)`;
  const stages = `${ev},
sc AS (
  SELECT s.*, CASE WHEN ev.trace_id IS NULL THEN 0 ELSE 1 END AS in_event
  FROM s JOIN tr ON tr.trace_id = s.trace_id LEFT JOIN ev ON ev.trace_id = s.trace_id
  WHERE ev.trace_id IS NOT NULL OR tr.n_events = 0
),
se AS (SELECT * FROM sc WHERE in_event = 1),
hop AS (
  SELECT c.trace_id, c.stage, sum(c.duration_ms) AS latency_ms
  FROM se c LEFT JOIN se p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
  WHERE p.span_id IS NULL OR p.stage <> c.stage
  GROUP BY c.trace_id, c.stage
),
seen AS (SELECT DISTINCT trace_id, stage FROM se),
lat AS (
  SELECT seen.stage, count(*) AS events,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY coalesce(hop.latency_ms, 0)) AS p50,
    percentile_cont(0.99) WITHIN GROUP (ORDER BY coalesce(hop.latency_ms, 0)) AS p99,
    sum(coalesce(hop.latency_ms, 0)) AS latency_sum
  FROM seen LEFT JOIN hop ON hop.trace_id = seen.trace_id AND hop.stage = seen.stage
  GROUP BY seen.stage
),
own AS (
  SELECT cost_stage AS stage, sum(compute_usd) AS compute_usd, sum(kafka_usd) AS kafka_usd,
    sum(query_usd) AS query_usd, sum(coalesce(storage_usd, 0)) AS storage_usd, sum(cost_usd) AS cost_usd,
    sum(CASE WHEN in_event = 1 THEN 0 ELSE cost_usd END) AS shared_usd, sum(trace_store_usd) AS trace_store_usd,
    sum(CASE WHEN cost_stage <> stage THEN cost_usd ELSE 0 END) AS stored_usd
  FROM sc WHERE is_trace_load = 0 GROUP BY cost_stage
),
tl AS (
  SELECT sum(compute_usd) AS compute_usd, sum(kafka_usd) AS kafka_usd, sum(query_usd) AS query_usd,
    sum(coalesce(storage_usd, 0)) AS storage_usd, sum(cost_usd) AS cost_usd,
    sum(CASE WHEN in_event = 1 THEN 0 ELSE cost_usd END) AS shared_usd
  FROM sc WHERE is_trace_load = 1
),
sb AS (SELECT cost_stage AS stage, sum(span_bytes) AS bytes FROM sc WHERE is_trace_load = 0 GROUP BY cost_stage),
sbt AS (SELECT sum(bytes) AS total FROM sb),
part AS (
  SELECT sb.stage, CAST(sb.bytes AS DOUBLE PRECISION) / sbt.total AS f FROM sb CROSS JOIN sbt WHERE sbt.total > 0
  UNION ALL SELECT '${WAREHOUSE_STAGE}', 1.0 FROM sbt WHERE coalesce(sbt.total, 0) = 0
),
st AS (SELECT stage FROM own UNION SELECT stage FROM part UNION SELECT stage FROM lat),
cost AS (
  SELECT st.stage,
    coalesce(own.compute_usd, 0) + coalesce(part.f, 0) * coalesce(tl.compute_usd, 0) AS compute_usd,
    coalesce(own.kafka_usd, 0) + coalesce(part.f, 0) * coalesce(tl.kafka_usd, 0) AS kafka_usd,
    coalesce(own.query_usd, 0) + coalesce(part.f, 0) * coalesce(tl.query_usd, 0) AS query_usd,
    coalesce(own.storage_usd, 0) + coalesce(part.f, 0) * coalesce(tl.storage_usd, 0) AS storage_usd,
    coalesce(own.cost_usd, 0) + coalesce(part.f, 0) * coalesce(tl.cost_usd, 0) AS cost_usd,
    coalesce(own.shared_usd, 0) + coalesce(part.f, 0) * coalesce(tl.shared_usd, 0) AS shared_usd,
    coalesce(own.trace_store_usd, 0) + coalesce(part.f, 0) * coalesce(tl.cost_usd, 0) AS trace_store_usd,
    coalesce(own.stored_usd, 0) + CASE WHEN st.stage = '${WAREHOUSE_STAGE}' THEN 0
      ELSE coalesce(part.f, 0) * coalesce(tl.cost_usd, 0) END AS stored_usd
  FROM st LEFT JOIN own ON own.stage = st.stage LEFT JOIN part ON part.stage = st.stage CROSS JOIN tl
)
SELECT cost.stage AS stage, coalesce(lat.events, 0) AS events, lat.p50 AS p50, lat.p99 AS p99,
  coalesce(lat.latency_sum, 0) AS latency_sum, cost.compute_usd AS compute_usd, cost.kafka_usd AS kafka_usd,
  cost.query_usd AS query_usd, cost.storage_usd AS storage_usd, cost.cost_usd AS cost_usd,
  cost.shared_usd AS shared_usd, cost.trace_store_usd AS trace_store_usd, cost.stored_usd AS stored_usd
FROM cost LEFT JOIN lat ON lat.stage = cost.stage
ORDER BY cost.cost_usd DESC, cost.stage`;
  const totals = `${ev}
SELECT count(*) AS events,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY e2e_ms) AS p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY e2e_ms) AS p99,
  count(served_us) AS served,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY (served_us - first_us) / 1000.0) AS serving_p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY (served_us - first_us) / 1000.0) AS serving_p99,
  count(CASE WHEN converted_us IS NOT NULL AND served_us IS NOT NULL THEN 1 END) AS converted,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY (converted_us - served_us) / 1000.0) AS lag_p50,
  percentile_cont(0.99) WITHIN GROUP (ORDER BY (converted_us - served_us) / 1000.0) AS lag_p99
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
    storageUsd: toNumber(r.storage_usd),
    sharedUsd: toNumber(r.shared_usd),
    traceStorageUsd: toNumber(r.trace_store_usd),
    storedUsd: toNumber(r.stored_usd),
    costUsd: toNumber(r.cost_usd),
  }));
  const orNull = (v: unknown) => (v === null || v === undefined ? null : toNumber(v));
  return {
    events,
    endToEndP50Ms: toNumber(totals.p50),
    endToEndP99Ms: toNumber(totals.p99),
    serving: { events: toNumber(totals.served), p50Ms: orNull(totals.serving_p50), p99Ms: orNull(totals.serving_p99) },
    conversionLag: {
      events: toNumber(totals.converted),
      p50Ms: orNull(totals.lag_p50),
      p99Ms: orNull(totals.lag_p99),
    },
    costPerEventUsd: share(costSum, events),
    stages,
  };
}

/** What `adtrace cost --per-day N` prints: the measured per-event cost of each stage, at N events a day. */
export interface PerDayProjection {
  readonly eventsPerDay: number;
  /** The share of events traced (and so stored) at that volume. */
  readonly sampleRatio: number;
  readonly usdPerDay: number;
  readonly stages: readonly { readonly stage: string; readonly usdPerDay: number; readonly share: number }[];
}

/**
 * Scales a stage report to `eventsPerDay`. Every event does a stage's work, traced or not, so
 * a stage's cost per traced event × N; but only the traced share (`sampleRatio`) of events is
 * stored as spans, so the cost of storing traces (the warehouse's `warehouse.load spans`) per
 * traced event × N × sampleRatio. Assumes the warehouse traced its own loads unsampled.
 */
export function projectPerDay(report: StageReport, eventsPerDay: number, sampleRatio: number): PerDayProjection {
  if (!(eventsPerDay >= 0) || !Number.isFinite(eventsPerDay))
    throw new RangeError(`events per day must be a non-negative number, got ${eventsPerDay}`);
  if (!(sampleRatio >= 0 && sampleRatio <= 1))
    throw new RangeError(`the sampling ratio must be in [0, 1], got ${sampleRatio}`);
  const perEvent = (usd: number) => (report.events > 0 ? usd / report.events : 0);
  const rows = report.stages.map((s) => ({
    stage: s.stage,
    usdPerDay:
      perEvent(s.costUsd - s.traceStorageUsd) * eventsPerDay + perEvent(s.traceStorageUsd) * eventsPerDay * sampleRatio,
  }));
  const usdPerDay = rows.reduce((sum, r) => sum + r.usdPerDay, 0);
  return {
    eventsPerDay,
    sampleRatio,
    usdPerDay,
    stages: rows.map((r) => ({ ...r, share: usdPerDay > 0 ? r.usdPerDay / usdPerDay : 0 })),
  };
}
