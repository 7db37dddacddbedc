import type { Dialect } from './dialect.ts';
import {
  attributedEventsSql,
  deadLettersSql,
  roasWindowsSql,
  toAttributedEvent,
  toDeadLetter,
  toRoasWindow,
} from './list-queries.ts';
import { REQUEST_ID_ATTRIBUTE } from './migrations.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanKindName, StatusCodeName } from './rows.ts';
import { scanBytes } from './scan-estimate.ts';
import { stageReportSql, toStageReport } from './stage-stats.ts';
import { limit, parseJsonObject, TRACE_ID, toNumber, toStringOrNull } from './values.ts';
import type { ListQuery, NoFillReport, QueryStats, StageReport, StageStatsQuery, TraceSpan } from './warehouse.ts';

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

  /**
   * Trace ids whose ingest span carries this OpenRTB request id (the one id an exchange knows),
   * earliest first. Request ids are unique per exchange, not across them, so there may be several.
   */
  async traceIdsForRequest(requestId: string): Promise<string[]> {
    const d = this.#db.dialect;
    const rows = await this.#run(
      'trace_ids_for_request',
      'spans',
      ['trace_id', 'attributes', 'start'],
      `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, min(start) AS first_start
       FROM spans WHERE ${d.jsonText('attributes', REQUEST_ID_ATTRIBUTE)} = $1
       GROUP BY trace_id ORDER BY first_start, trace_id LIMIT 100`,
      [requestId],
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
    const campaign = query.campaignId !== undefined;
    const sql = roasWindowsSql(this.#db.dialect, campaign, limit(query.limit));
    const rows = await this.#run('roas_windows', 'roas_windows', 'all', sql, campaign ? [query.campaignId] : []);
    return rows.map(toRoasWindow);
  }

  async attributedEvents(query: ListQuery & { campaignId?: string } = {}): Promise<AttributedEventRow[]> {
    const campaign = query.campaignId !== undefined;
    const sql = attributedEventsSql(this.#db.dialect, campaign, limit(query.limit));
    const rows = await this.#run(
      'attributed_events',
      'attributed_events',
      'all',
      sql,
      campaign ? [query.campaignId] : [],
    );
    return rows.map(toAttributedEvent);
  }

  async deadLetters(query: ListQuery = {}): Promise<DeadLetterRow[]> {
    const sql = deadLettersSql(this.#db.dialect, limit(query.limit));
    return (await this.#run('dead_letters', 'dead_letters', 'all', sql, [])).map(toDeadLetter);
  }

  async noFills(query: { sinceMs?: number } = {}): Promise<NoFillReport> {
    const d = this.#db.dialect;
    const since = Math.max(0, Math.floor(query.sinceMs ?? 0)) * 1000;
    const outcome = d.jsonText('attributes', 'ads.auction.outcome');
    const rows = await this.#run(
      'no_fills',
      'spans',
      ['name', 'start', 'attributes'],
      `SELECT ${outcome} AS outcome, ${d.jsonText('attributes', 'ads.no_fill.reason')} AS reason, count(*) AS n
       FROM spans WHERE name = 'ads.auction' AND start >= ${d.timestampFromMicros('$1')} AND ${outcome} IS NOT NULL
       GROUP BY 1, 2`,
      [since],
    );
    const counted = rows.map((r) => ({
      outcome: String(r.outcome),
      reason: toStringOrNull(r.reason),
      n: toNumber(r.n),
    }));
    const sum = (rs: typeof counted) => rs.reduce((total, r) => total + r.n, 0);
    const noFill = counted.filter((r) => r.outcome !== 'WIN');
    const reasons = new Map<string, number>();
    for (const r of noFill) reasons.set(r.reason ?? 'OTHER', (reasons.get(r.reason ?? 'OTHER') ?? 0) + r.n);
    return {
      imps: sum(counted),
      wins: sum(counted.filter((r) => r.outcome === 'WIN')),
      noFills: sum(noFill),
      reasons: [...reasons]
        .map(([reason, count]) => ({ reason, count }))
        .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    };
  }

  async flushTraceIds(query: { campaignId: string; windowStartMs: number }): Promise<string[]> {
    const d = this.#db.dialect;
    const rows = await this.#run(
      'flush_trace_ids',
      'spans',
      ['trace_id', 'name', 'start', 'attributes'],
      `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, max(start) AS last_start
       FROM spans WHERE name = 'ads.aggregate.flush' AND ${d.jsonText('attributes', 'campaign.id')} = $1
         AND ${d.jsonText('attributes', 'roas.window.start_ms')} = $2
       GROUP BY trace_id ORDER BY last_start DESC, trace_id LIMIT 100`,
      [query.campaignId, String(Math.trunc(query.windowStartMs))],
    );
    return rows.map((r) => String(r.trace_id));
  }
}
