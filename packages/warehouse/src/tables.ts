import type { Dialect } from './dialect.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanRow } from './rows.ts';

/** The type of a staging column: how an adapter appends (DuckDB) or encodes (COPY) a value. */
export type StageType = 'text' | 'bigint' | 'int' | 'double' | 'bool' | 'bytes';
export type StageValue = string | number | boolean | Buffer | null;

/**
 * How one table is bulk loaded: rows go (appender / COPY) into a session-local staging table
 * of plain types, then one INSERT … SELECT moves them in, converting ids and times and letting
 * the primary key drop what is already there. Bulk speed and idempotence in one statement.
 */
export interface TableLoad<Row> {
  readonly table: string;
  readonly stage: string;
  readonly columns: readonly (readonly [name: string, type: StageType])[];
  values(row: Row): StageValue[];
  insertSql(d: Dialect): string;
}

export const spansLoad: TableLoad<SpanRow> = {
  table: 'spans',
  stage: 'spans_stage',
  columns: [
    ['trace_id', 'text'],
    ['span_id', 'text'],
    ['parent_span_id', 'text'],
    ['service', 'text'],
    ['name', 'text'],
    ['kind', 'text'],
    ['start_us', 'bigint'],
    ['duration_ms', 'double'],
    ['status_code', 'text'],
    ['status_message', 'text'],
    ['event_id', 'text'],
    ['compute_usd', 'double'],
    ['kafka_usd', 'double'],
    ['query_usd', 'double'],
    ['cost_usd', 'double'],
    ['attributes', 'text'],
  ],
  values: (r) => [
    r.traceId,
    r.spanId,
    r.parentSpanId,
    r.service,
    r.name,
    r.kind,
    r.startUnixMicros,
    r.durationMs,
    r.statusCode,
    r.statusMessage,
    r.eventId,
    r.computeUsd,
    r.kafkaUsd,
    r.queryUsd,
    r.costUsd,
    r.attributesJson,
  ],
  insertSql: (d) => `
INSERT INTO spans
SELECT ${d.traceIdFromHex('trace_id')}, ${d.spanIdFromHex('span_id')}, ${d.spanIdFromHex('parent_span_id')},
  service, name, kind, ${d.timestampFromMicros('start_us')}, duration_ms, status_code, status_message, event_id,
  compute_usd, kafka_usd, query_usd, cost_usd, CAST(attributes AS ${d.types.json})
FROM spans_stage
ON CONFLICT DO NOTHING`,
};

export const attributedEventsLoad: TableLoad<AttributedEventRow> = {
  table: 'attributed_events',
  stage: 'attributed_events_stage',
  columns: [
    ['event_id', 'text'],
    ['kind', 'text'],
    ['original_event_id', 'text'],
    ['campaign_id', 'text'],
    ['ad_id', 'text'],
    ['touch', 'text'],
    ['cost_micros', 'bigint'],
    ['value_micros', 'bigint'],
    ['pctr', 'double'],
    ['event_time_ms', 'bigint'],
    ['attributed_at_ms', 'bigint'],
    ['trace_id', 'text'],
  ],
  values: (r) => [
    r.eventId,
    r.kind,
    r.originalEventId,
    r.campaignId,
    r.adId,
    r.touch,
    r.costMicros,
    r.valueMicros,
    r.pctr,
    r.eventTimeMs,
    r.attributedAtMs,
    r.traceId,
  ],
  insertSql: (d) => `
INSERT INTO attributed_events (event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros,
  pctr, event_time, attributed_at, trace_id)
SELECT event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros, pctr,
  ${d.timestampFromMicros('event_time_ms * 1000')}, ${d.timestampFromMicros('attributed_at_ms * 1000')}, trace_id
FROM attributed_events_stage
ON CONFLICT DO NOTHING`,
};

export const roasWindowsLoad: TableLoad<RoasWindowRow> = {
  table: 'roas_windows',
  stage: 'roas_windows_stage',
  columns: [
    ['campaign_id', 'text'],
    ['window_start_ms', 'bigint'],
    ['window_end_ms', 'bigint'],
    ['impressions', 'bigint'],
    ['clicks', 'bigint'],
    ['conversions', 'bigint'],
    ['spend_micros', 'bigint'],
    ['revenue_micros', 'bigint'],
    ['roas', 'double'],
    ['observed_ctr', 'double'],
    ['predicted_ctr', 'double'],
    ['revision', 'int'],
    ['complete', 'bool'],
    ['complete_through_ms', 'bigint'],
    ['emitted_at_ms', 'bigint'],
  ],
  values: (r) => [
    r.campaignId,
    r.windowStartMs,
    r.windowEndMs,
    r.impressions,
    r.clicks,
    r.conversions,
    r.spendMicros,
    r.revenueMicros,
    r.roas,
    r.observedCtr,
    r.predictedCtr,
    r.revision,
    r.complete,
    r.completeThroughMs,
    r.emittedAtMs,
  ],
  // A restatement replaces the window; an older or repeated revision changes nothing.
  insertSql: (d) => `
INSERT INTO roas_windows (campaign_id, window_start, window_end, impressions, clicks, conversions, spend_micros,
  revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete, complete_through, emitted_at)
SELECT campaign_id, ${d.timestampFromMicros('window_start_ms * 1000')}, ${d.timestampFromMicros('window_end_ms * 1000')},
  impressions, clicks, conversions, spend_micros, revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete,
  ${d.timestampFromMicros('complete_through_ms * 1000')}, ${d.timestampFromMicros('emitted_at_ms * 1000')}
FROM roas_windows_stage
ON CONFLICT (campaign_id, window_start) DO UPDATE SET
  window_end = excluded.window_end, impressions = excluded.impressions, clicks = excluded.clicks,
  conversions = excluded.conversions, spend_micros = excluded.spend_micros, revenue_micros = excluded.revenue_micros,
  roas = excluded.roas, observed_ctr = excluded.observed_ctr, predicted_ctr = excluded.predicted_ctr,
  revision = excluded.revision, complete = excluded.complete, complete_through = excluded.complete_through,
  emitted_at = excluded.emitted_at, loaded_at = excluded.loaded_at
WHERE excluded.revision > roas_windows.revision`,
};

export const deadLettersLoad: TableLoad<DeadLetterRow> = {
  table: 'dead_letters',
  stage: 'dead_letters_stage',
  columns: [
    ['dlq_partition', 'int'],
    ['dlq_offset', 'bigint'],
    ['original_topic', 'text'],
    ['original_partition', 'int'],
    ['original_offset', 'bigint'],
    ['original_timestamp_ms', 'bigint'],
    ['dead_lettered_at_ms', 'bigint'],
    ['reason', 'text'],
    ['code', 'text'],
    ['error_class', 'text'],
    ['stage', 'text'],
    ['event_id', 'text'],
    ['traceparent', 'text'],
    ['key', 'bytes'],
    ['value', 'bytes'],
    ['headers', 'text'],
  ],
  values: (r) => [
    r.dlqPartition,
    r.dlqOffset,
    r.originalTopic,
    r.originalPartition,
    r.originalOffset,
    r.originalTimestampMs,
    r.deadLetteredAtMs,
    r.reason,
    r.code,
    r.errorClass,
    r.stage,
    r.eventId,
    r.traceparent,
    r.key,
    r.value,
    r.headersJson,
  ],
  insertSql: (d) => `
INSERT INTO dead_letters (dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
  original_timestamp, dead_lettered_at, reason, code, error_class, stage, event_id, traceparent, key, value, headers)
SELECT dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
  ${d.timestampFromMicros('original_timestamp_ms * 1000')}, ${d.timestampFromMicros('dead_lettered_at_ms * 1000')},
  reason, code, error_class, stage, event_id, traceparent, key, value, CAST(headers AS ${d.types.json})
FROM dead_letters_stage
ON CONFLICT DO NOTHING`,
};

/** Keeps the highest revision per window: one INSERT … ON CONFLICT DO UPDATE may touch a row once. */
export function latestRevisions(rows: readonly RoasWindowRow[]): RoasWindowRow[] {
  const best = new Map<string, RoasWindowRow>();
  for (const r of rows) {
    const key = `${r.campaignId}\u0000${r.windowStartMs}`;
    const seen = best.get(key);
    if (!seen || r.revision > seen.revision) best.set(key, r);
  }
  return [...best.values()];
}
