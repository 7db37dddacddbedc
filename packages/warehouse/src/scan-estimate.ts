/** dead_letters and raw_dead_letters: the same columns. */
const DEAD_LETTER_BYTES: Record<string, number> = {
  dlq_partition: 8,
  dlq_offset: 8,
  dlq_time_ms: 8,
  original_topic: 30,
  original_partition: 8,
  original_offset: 8,
  original_timestamp: 8,
  dead_lettered_at: 8,
  reason: 80,
  code: 20,
  error_class: 20,
  stage: 12,
  event_id: 38,
  traceparent: 57,
  key: 40,
  value: 600,
  headers: 500,
  loaded_at: 8,
};

/**
 * Bytes a query "scans", priced like BigQuery on-demand: every row of each table it reads, times
 * the width of the columns it reads (no partition pruning, no index shortcuts). It is a model,
 * not a measurement of the embedded engine: it makes a query's cost depend on what it asks for
 * and how big the warehouse is, which is what the price per TiB is for. Widths follow
 * BigQuery's data sizes (INT64/FLOAT64/TIMESTAMP 8 bytes, STRING 2 + length) with typical lengths.
 */
export const COLUMN_BYTES: Record<string, Record<string, number>> = {
  spans: {
    trace_id: 16,
    span_id: 8,
    parent_span_id: 8,
    service: 12,
    name: 26,
    kind: 10,
    start: 8,
    duration_ms: 8,
    status_code: 7,
    status_message: 4,
    event_id: 38,
    compute_usd: 8,
    kafka_usd: 8,
    query_usd: 8,
    cost_usd: 8,
    // A pipeline span's own attributes, 263 bytes on average (2026-11-28; 473 with its
    // resource's copied in, before span_resources).
    attributes: 265,
    resource_id: 8,
  },
  attributed_events: {
    event_id: 38,
    kind: 12,
    original_event_id: 38,
    campaign_id: 20,
    ad_id: 20,
    touch: 6,
    cost_micros: 8,
    value_micros: 8,
    pctr: 8,
    event_time: 8,
    attributed_at: 8,
    trace_id: 34,
    loaded_at: 8,
  },
  roas_window_generations: {
    generation: 4,
    late_dropped: 8,
    click_through_conversions: 8,
    view_through_conversions: 8,
    click_through_revenue_micros: 8,
    view_through_revenue_micros: 8,
    complete_through: 8,
    emitted_at: 8,
    campaign_id: 20,
    window_start: 8,
    window_end: 8,
    impressions: 8,
    clicks: 8,
    conversions: 8,
    spend_micros: 8,
    revenue_micros: 8,
    roas: 8,
    observed_ctr: 8,
    predicted_ctr: 8,
    revision: 8,
    complete: 1,
    loaded_at: 8,
  },
  roas_generation_progress: { generation: 4, campaign_id: 20, complete_through: 8 },
  dead_letters: DEAD_LETTER_BYTES,
  raw_dead_letters: DEAD_LETTER_BYTES,
  auction_outcomes: {
    event_id: 38,
    request_id: 38,
    imp_id: 3,
    user_key: 34,
    outcome: 9,
    campaign_id: 20,
    ad_id: 20,
    creative_id: 20,
    bid_type: 5,
    no_fill_reason: 18,
    no_fill_detail: 40,
    model_version: 12,
    decided_at: 8,
    trace_id: 34,
  },
};

export function scanBytes(table: string, rows: number, columns: readonly string[] | 'all'): number {
  const widths = COLUMN_BYTES[table] ?? {};
  const names = columns === 'all' ? Object.keys(widths) : columns;
  const width = names.reduce((sum, c) => sum + (widths[c] ?? 8), 0);
  return Math.max(0, rows) * width;
}
