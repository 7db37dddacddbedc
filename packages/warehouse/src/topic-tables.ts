import { afterRoasLoadSql } from './roas-generations.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow } from './rows.ts';
import { type DirectType, skipExisting, stageColumns, type TableLoad } from './tables.ts';

// The tables loaded from Kafka topics (attributed events, ROAS windows, dead letters); how a
// load works is in tables.ts.

export const attributedEventsLoad: TableLoad<AttributedEventRow> = {
  table: 'attributed_events',
  stage: 'attributed_events_stage',
  columns: stageColumns(
    'event_id text, kind text, original_event_id text, campaign_id text, ad_id text, touch text, cost_micros bigint, value_micros bigint, pctr double, event_time_ms bigint, attributed_at_ms bigint, trace_id text, impression_id text, touch_event_id text, touch_time_ms bigint, original_currency text, original_value_micros bigint, model_version text',
  ),
  // loaded_at sits among the columns: those after it were added later (migrations).
  direct: stageColumns<DirectType>(
    'event_id text, kind text, original_event_id text, campaign_id text, ad_id text, touch text, cost_micros bigint, value_micros bigint, pctr double, event_time timestamp_ms, attributed_at timestamp_ms, trace_id text, loaded_at load_time, impression_id text, touch_event_id text, touch_time timestamp_ms, original_currency text, original_value_micros bigint, model_version text',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.eventId, r.kind, r.originalEventId, r.campaignId, r.adId, r.touch, r.costMicros, r.valueMicros, r.pctr, r.eventTimeMs, r.attributedAtMs, r.traceId, r.impressionId, r.touchEventId, r.touchTimeMs, r.originalCurrency, r.originalValueMicros, r.modelVersion],
  ...skipExisting(
    (d) => `
INSERT INTO attributed_events (event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros,
  pctr, event_time, attributed_at, trace_id, impression_id, touch_event_id, touch_time, original_currency,
  original_value_micros, model_version)
SELECT event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros, pctr,
  ${d.timestampFromMicros('event_time_ms * 1000')}, ${d.timestampFromMicros('attributed_at_ms * 1000')}, trace_id,
  impression_id, touch_event_id, ${d.timestampFromMicros('touch_time_ms * 1000')}, original_currency,
  original_value_micros, model_version
FROM attributed_events_stage`,
  ),
};

export const roasWindowsLoad: TableLoad<RoasWindowRow> = {
  table: 'roas_window_generations',
  stage: 'roas_windows_stage',
  columns: stageColumns(
    'campaign_id text, window_start_ms bigint, window_end_ms bigint, impressions bigint, clicks bigint, conversions bigint, spend_micros bigint, revenue_micros bigint, roas double, observed_ctr double, predicted_ctr double, revision int, complete bool, complete_through_ms bigint, emitted_at_ms bigint, generation int, late_dropped bigint, click_through_conversions bigint, view_through_conversions bigint, click_through_revenue_micros bigint, view_through_revenue_micros bigint',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.campaignId, r.windowStartMs, r.windowEndMs, r.impressions, r.clicks, r.conversions, r.spendMicros, r.revenueMicros, r.roas, r.observedCtr, r.predictedCtr, r.revision, r.complete, r.completeThroughMs, r.emittedAtMs, r.generation, r.lateDropped, r.clickThroughConversions, r.viewThroughConversions, r.clickThroughRevenueMicros, r.viewThroughRevenueMicros],
  // Within a generation a restatement replaces the window; an older or repeated revision changes
  // nothing. Each generation keeps its own rows: which one roas_windows shows is decided after
  // the insert (afterRoasLoadSql), once a rebuild has caught up.
  insertSql: (d) => `
INSERT INTO roas_window_generations (campaign_id, window_start, window_end, impressions, clicks, conversions,
  spend_micros, revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete, complete_through, emitted_at,
  generation, late_dropped, click_through_conversions, view_through_conversions, click_through_revenue_micros,
  view_through_revenue_micros)
SELECT campaign_id, ${d.timestampFromMicros('window_start_ms * 1000')}, ${d.timestampFromMicros('window_end_ms * 1000')},
  impressions, clicks, conversions, spend_micros, revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete,
  ${d.timestampFromMicros('complete_through_ms * 1000')}, ${d.timestampFromMicros('emitted_at_ms * 1000')}, generation,
  late_dropped, click_through_conversions, view_through_conversions, click_through_revenue_micros,
  view_through_revenue_micros
FROM roas_windows_stage
ON CONFLICT (generation, campaign_id, window_start) DO UPDATE SET
  window_end = excluded.window_end, impressions = excluded.impressions, clicks = excluded.clicks,
  conversions = excluded.conversions, spend_micros = excluded.spend_micros, revenue_micros = excluded.revenue_micros,
  roas = excluded.roas, observed_ctr = excluded.observed_ctr, predicted_ctr = excluded.predicted_ctr,
  revision = excluded.revision, complete = excluded.complete, complete_through = excluded.complete_through,
  emitted_at = excluded.emitted_at, loaded_at = excluded.loaded_at, late_dropped = excluded.late_dropped,
  click_through_conversions = excluded.click_through_conversions,
  view_through_conversions = excluded.view_through_conversions,
  click_through_revenue_micros = excluded.click_through_revenue_micros,
  view_through_revenue_micros = excluded.view_through_revenue_micros
WHERE excluded.revision > roas_window_generations.revision`,
  afterInsertSql: afterRoasLoadSql,
};

/**
 * dead_letters, or raw_dead_letters (the raw topics' dead letters, redacted): the same columns. A
 * letter is known by its place and its time (migration 33), so a recreated topic's letters at old
 * places are loaded, and the same letter read again is not.
 */
function deadLetterLoad(table: 'dead_letters' | 'raw_dead_letters'): TableLoad<DeadLetterRow> {
  return {
    table,
    stage: `${table}_stage`,
    columns: stageColumns(
      'dlq_partition int, dlq_offset bigint, original_topic text, original_partition int, original_offset bigint, original_timestamp_ms bigint, dead_lettered_at_ms bigint, reason text, code text, error_class text, stage text, event_id text, traceparent text, key bytes, value bytes, headers text',
    ),
    // biome-ignore format: in column order, as the list above
    values: (r) => [r.dlqPartition, r.dlqOffset, r.originalTopic, r.originalPartition, r.originalOffset, r.originalTimestampMs, r.deadLetteredAtMs, r.reason, r.code, r.errorClass, r.stage, r.eventId, r.traceparent, r.key, r.value, r.headersJson],
    ...skipExisting(
      (d) => `
INSERT INTO ${table} (dlq_partition, dlq_offset, dlq_time_ms, original_topic, original_partition, original_offset,
  original_timestamp, dead_lettered_at, reason, code, error_class, stage, event_id, traceparent, key, value, headers)
SELECT dlq_partition, dlq_offset, COALESCE(dead_lettered_at_ms, 0), original_topic, original_partition, original_offset,
  ${d.timestampFromMicros('original_timestamp_ms * 1000')}, ${d.timestampFromMicros('dead_lettered_at_ms * 1000')},
  reason, code, error_class, stage, event_id, traceparent, key, value, CAST(headers AS ${d.types.json})
FROM ${table}_stage`,
    ),
  };
}

export const deadLettersLoad = deadLetterLoad('dead_letters');
export const rawDeadLettersLoad = deadLetterLoad('raw_dead_letters');

/** Keeps the highest revision per (generation, campaign, window): one INSERT … ON CONFLICT DO UPDATE may touch a row once. */
export function latestRevisions(rows: readonly RoasWindowRow[]): RoasWindowRow[] {
  const best = new Map<string, RoasWindowRow>();
  for (const r of rows) {
    const key = `${r.generation}\u0000${r.campaignId}\u0000${r.windowStartMs}`;
    const seen = best.get(key);
    if (!seen || r.revision > seen.revision) best.set(key, r);
  }
  return [...best.values()];
}
