import type { Dialect } from './dialect.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow } from './rows.ts';
import { toBufferOrNull, toNumber, toNumberOrNull, toStringOrNull } from './values.ts';
import type { RoasQuery } from './warehouse.ts';

// The list queries behind `adtrace roas` and `adtrace dlq` (and attributed events): the SQL for
// both dialects, and each result row mapped back to the row type that was loaded.

type Row = Record<string, unknown>;
const ms = (d: Dialect, col: string) => `${d.timestampToMicros(col)} / 1000`;
const byCampaign = (campaign: boolean) => (campaign ? 'WHERE campaign_id = $1' : '');

/** The current generation's windows (the roas_windows view), or one generation's from roas_window_generations. */
export function roasWindowsSql(d: Dialect, query: RoasQuery, max: number): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (query.generation !== undefined) add((p) => `generation = ${p}`, query.generation);
  if (query.campaignId !== undefined) add((p) => `campaign_id = ${p}`, query.campaignId);
  if (query.sinceMs !== undefined)
    add((p) => `window_start >= ${d.timestampFromMicros(`CAST(${p} AS BIGINT) * 1000`)}`, query.sinceMs);
  const table = query.generation === undefined ? 'roas_windows' : 'roas_window_generations';
  const sql = `
SELECT campaign_id, ${ms(d, 'window_start')} AS start_ms, ${ms(d, 'window_end')} AS end_ms, impressions, clicks,
  conversions, spend_micros, revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete,
  ${ms(d, 'complete_through')} AS complete_through_ms, ${ms(d, 'emitted_at')} AS emitted_at_ms, generation, late_dropped,
  click_through_conversions, view_through_conversions, click_through_revenue_micros, view_through_revenue_micros
FROM ${table} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY window_start DESC, campaign_id LIMIT ${max}`;
  return { sql, params };
}

export const toRoasWindow = (r: Row): RoasWindowRow => ({
  campaignId: String(r.campaign_id),
  windowStartMs: toNumber(r.start_ms),
  windowEndMs: toNumber(r.end_ms),
  impressions: toNumber(r.impressions),
  clicks: toNumber(r.clicks),
  conversions: toNumber(r.conversions),
  spendMicros: toNumber(r.spend_micros),
  revenueMicros: toNumber(r.revenue_micros),
  roas: toNumberOrNull(r.roas),
  observedCtr: toNumberOrNull(r.observed_ctr),
  predictedCtr: toNumberOrNull(r.predicted_ctr),
  revision: toNumber(r.revision),
  complete: Boolean(r.complete),
  completeThroughMs: toNumber(r.complete_through_ms),
  emittedAtMs: toNumber(r.emitted_at_ms),
  generation: toNumber(r.generation),
  lateDropped: toNumber(r.late_dropped),
  clickThroughConversions: toNumber(r.click_through_conversions),
  viewThroughConversions: toNumber(r.view_through_conversions),
  clickThroughRevenueMicros: toNumber(r.click_through_revenue_micros),
  viewThroughRevenueMicros: toNumber(r.view_through_revenue_micros),
});

export const attributedEventsSql = (d: Dialect, campaign: boolean, limit: number) => `
SELECT event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros, pctr,
  ${ms(d, 'event_time')} AS event_time_ms, ${ms(d, 'attributed_at')} AS attributed_at_ms, trace_id, impression_id,
  touch_event_id, ${ms(d, 'touch_time')} AS touch_time_ms, original_currency, original_value_micros, model_version
FROM attributed_events ${byCampaign(campaign)} ORDER BY event_time DESC, event_id LIMIT ${limit}`;

export const toAttributedEvent = (r: Row): AttributedEventRow => ({
  eventId: String(r.event_id),
  kind: String(r.kind),
  originalEventId: String(r.original_event_id),
  campaignId: String(r.campaign_id),
  adId: String(r.ad_id),
  touch: String(r.touch),
  costMicros: toNumber(r.cost_micros),
  valueMicros: toNumber(r.value_micros),
  pctr: toNumber(r.pctr),
  eventTimeMs: toNumber(r.event_time_ms),
  attributedAtMs: toNumber(r.attributed_at_ms),
  traceId: toStringOrNull(r.trace_id),
  impressionId: toStringOrNull(r.impression_id),
  touchEventId: toStringOrNull(r.touch_event_id),
  touchTimeMs: toNumberOrNull(r.touch_time_ms),
  originalCurrency: toStringOrNull(r.original_currency) ?? 'USD',
  originalValueMicros: toNumber(r.original_value_micros),
  modelVersion: toStringOrNull(r.model_version),
});

export const deadLettersSql = (d: Dialect, limit: number, table: 'dead_letters' | 'raw_dead_letters') => `
SELECT dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
  ${ms(d, 'original_timestamp')} AS original_timestamp_ms, ${ms(d, 'dead_lettered_at')} AS dead_lettered_at_ms,
  reason, code, error_class, stage, event_id, traceparent, key, value, CAST(headers AS VARCHAR) AS headers
FROM ${table}
ORDER BY dead_lettered_at DESC NULLS LAST, dlq_partition, dlq_offset DESC LIMIT ${limit}`;

export const toDeadLetter = (r: Row): DeadLetterRow => ({
  dlqPartition: toNumber(r.dlq_partition),
  dlqOffset: String(r.dlq_offset),
  originalTopic: toStringOrNull(r.original_topic),
  originalPartition: toNumberOrNull(r.original_partition),
  originalOffset: toStringOrNull(r.original_offset),
  originalTimestampMs: toNumberOrNull(r.original_timestamp_ms),
  deadLetteredAtMs: toNumberOrNull(r.dead_lettered_at_ms),
  reason: toStringOrNull(r.reason),
  code: toStringOrNull(r.code),
  errorClass: toStringOrNull(r.error_class),
  stage: toStringOrNull(r.stage),
  eventId: toStringOrNull(r.event_id),
  traceparent: toStringOrNull(r.traceparent),
  key: toBufferOrNull(r.key),
  value: toBufferOrNull(r.value),
  headersJson: typeof r.headers === 'string' ? r.headers : JSON.stringify(r.headers ?? {}),
});
