import type { Dialect } from './dialect.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanKindName, StatusCodeName } from './rows.ts';
import { scanBytes } from './scan-estimate.ts';
import { stageReportSql, toStageReport } from './stage-stats.ts';
import {
  limit,
  parseJsonObject,
  TRACE_ID,
  toBufferOrNull,
  toNumber,
  toNumberOrNull,
  toStringOrNull,
} from './values.ts';
import type { ListQuery, QueryStats, StageReport, StageStatsQuery, TraceSpan } from './warehouse.ts';

type Row = Record<string, unknown>;

/** What the shared queries need from an adapter: run SQL with $1… parameters, count a table's rows. */
export interface SqlRunner {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  tableRows(table: string): Promise<number>;
}

/** Read queries, written once for both dialects. Each reports what it scanned to `onQuery`. */
export class Queries {
  readonly #db: SqlRunner;
  readonly #onQuery: ((stats: QueryStats) => void) | undefined;

  constructor(db: SqlRunner, onQuery?: (stats: QueryStats) => void) {
    this.#db = db;
    this.#onQuery = onQuery;
  }

  async #run(query: string, table: string, columns: readonly string[] | 'all', sql: string, params: unknown[]) {
    const [rows, tableRows] = await Promise.all([this.#db.all(sql, params), this.#db.tableRows(table)]);
    this.#onQuery?.({ query, rows: rows.length, bytesScanned: scanBytes(table, tableRows, columns) });
    return rows;
  }

  async traceSpans(traceId: string): Promise<TraceSpan[]> {
    if (!TRACE_ID.test(traceId)) throw new RangeError(`a trace id is 32 lower-case hex digits, got "${traceId}"`);
    const d = this.#db.dialect;
    const rows = await this.#run(
      'trace_spans',
      'spans',
      'all',
      `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, ${d.spanIdToHex('span_id')} AS span_id,
         ${d.spanIdToHex('parent_span_id')} AS parent_span_id, service, name, kind,
         ${d.timestampToMicros('start')} AS start_us, duration_ms, status_code, status_message, event_id,
         compute_usd, kafka_usd, query_usd, cost_usd, CAST(attributes AS VARCHAR) AS attributes
       FROM spans WHERE trace_id = ${d.traceIdFromHex('$1')}
       ORDER BY start, span_id`,
      [traceId],
    );
    return rows.map((r) => ({
      traceId: String(r.trace_id),
      spanId: String(r.span_id),
      parentSpanId: toStringOrNull(r.parent_span_id),
      service: String(r.service),
      name: String(r.name),
      kind: String(r.kind) as SpanKindName,
      startUnixMicros: toNumber(r.start_us),
      durationMs: toNumber(r.duration_ms),
      statusCode: String(r.status_code) as StatusCodeName,
      statusMessage: toStringOrNull(r.status_message),
      eventId: toStringOrNull(r.event_id),
      computeUsd: toNumber(r.compute_usd),
      kafkaUsd: toNumber(r.kafka_usd),
      queryUsd: toNumber(r.query_usd),
      costUsd: toNumber(r.cost_usd),
      attributes: parseJsonObject(r.attributes),
    }));
  }

  async traceIdsForEvent(eventId: string): Promise<string[]> {
    const d = this.#db.dialect;
    const rows = await this.#run(
      'trace_ids_for_event',
      'spans',
      ['trace_id', 'event_id', 'start'],
      `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, min(start) AS first_start
       FROM spans WHERE event_id = $1 GROUP BY trace_id ORDER BY first_start, trace_id LIMIT 100`,
      [eventId],
    );
    return rows.map((r) => String(r.trace_id));
  }

  async stageStats(query: StageStatsQuery = {}): Promise<StageReport> {
    const { stages, totals } = stageReportSql(this.#db.dialect, query.by ?? 'service');
    const since = Math.max(0, Math.floor(query.sinceMs ?? 0)) * 1000;
    const columns = ['trace_id', 'span_id', 'parent_span_id', 'service', 'name', 'start', 'duration_ms', 'event_id'];
    const costColumns = ['compute_usd', 'kafka_usd', 'query_usd', 'cost_usd'];
    const [stageRows, totalRows] = await Promise.all([
      this.#run('stage_stats', 'spans', [...columns, ...costColumns], stages, [since]),
      this.#db.all(totals, [since]),
    ]);
    return toStageReport(stageRows, totalRows[0] ?? {});
  }

  async roasWindows(query: ListQuery & { campaignId?: string } = {}): Promise<RoasWindowRow[]> {
    const d = this.#db.dialect;
    const where = query.campaignId === undefined ? '' : 'WHERE campaign_id = $1';
    const rows = await this.#run(
      'roas_windows',
      'roas_windows',
      'all',
      `SELECT campaign_id, ${d.timestampToMicros('window_start')} / 1000 AS start_ms,
         ${d.timestampToMicros('window_end')} / 1000 AS end_ms, impressions, clicks, conversions, spend_micros,
         revenue_micros, roas, observed_ctr, predicted_ctr, revision, complete,
         ${d.timestampToMicros('complete_through')} / 1000 AS complete_through_ms,
         ${d.timestampToMicros('emitted_at')} / 1000 AS emitted_at_ms
       FROM roas_windows ${where} ORDER BY window_start DESC, campaign_id LIMIT ${limit(query.limit)}`,
      query.campaignId === undefined ? [] : [query.campaignId],
    );
    return rows.map((r) => ({
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
    }));
  }

  async attributedEvents(query: ListQuery & { campaignId?: string } = {}): Promise<AttributedEventRow[]> {
    const d = this.#db.dialect;
    const where = query.campaignId === undefined ? '' : 'WHERE campaign_id = $1';
    const rows = await this.#run(
      'attributed_events',
      'attributed_events',
      'all',
      `SELECT event_id, kind, original_event_id, campaign_id, ad_id, touch, cost_micros, value_micros, pctr,
         ${d.timestampToMicros('event_time')} / 1000 AS event_time_ms,
         ${d.timestampToMicros('attributed_at')} / 1000 AS attributed_at_ms, trace_id
       FROM attributed_events ${where} ORDER BY event_time DESC, event_id LIMIT ${limit(query.limit)}`,
      query.campaignId === undefined ? [] : [query.campaignId],
    );
    return rows.map((r) => ({
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
    }));
  }

  async deadLetters(query: ListQuery = {}): Promise<DeadLetterRow[]> {
    const d = this.#db.dialect;
    const ms = (col: string) => `${d.timestampToMicros(col)} / 1000`;
    const rows = await this.#run(
      'dead_letters',
      'dead_letters',
      'all',
      `SELECT dlq_partition, dlq_offset, original_topic, original_partition, original_offset,
         ${ms('original_timestamp')} AS original_timestamp_ms, ${ms('dead_lettered_at')} AS dead_lettered_at_ms,
         reason, code, error_class, stage, event_id, traceparent, key, value, CAST(headers AS VARCHAR) AS headers
       FROM dead_letters
       ORDER BY dead_lettered_at DESC NULLS LAST, dlq_partition, dlq_offset DESC LIMIT ${limit(query.limit)}`,
      [],
    );
    return rows.map((r) => ({
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
    }));
  }
}
