import {
  CAMPAIGN_TOTALS_COLUMNS,
  type CampaignTotals,
  type CampaignTotalsQuery,
  campaignTotalsSql,
  toCampaignTotals,
} from './campaign-totals.ts';
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
import { type RoasGenerationRow, roasGenerationsSql, toRoasGeneration } from './roas-generations.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanKindName, StatusCodeName } from './rows.ts';
import { scanBytes } from './scan-estimate.ts';
import { checkSegmentMembersQuery, type SegmentMembersQuery, segmentMembersSql } from './segment-members.ts';
import { spanAttributes } from './span-attributes.ts';
import { stageReportSql, toStageReport } from './stage-stats.ts';
import { MAX_TRACE_STAGES, type TraceStages, toTraceStages, traceStagesSql } from './trace-stages.ts';
import { limit, parseJsonObject, TRACE_ID, toBufferOrNull, toNumber, toStringOrNull } from './values.ts';
import type {
  ListQuery,
  NoFillQuery,
  NoFillReport,
  QueryStats,
  RoasQuery,
  StageReport,
  StageStatsQuery,
  TraceSpan,
} from './warehouse.ts';
import { MAX_NO_FILL_TRACES } from './warehouse.ts';

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

  /** Plain SQL over the tables and views, $1… parameters, rows as the driver gives them (reads only, by contract). */
  sql(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return this.#db.all(text, params);
  }

  async traceSpans(traceId: string): Promise<TraceSpan[]> {
    if (!TRACE_ID.test(traceId)) throw new RangeError(`a trace id is 32 lower-case hex digits, got "${traceId}"`);
    const d = this.#db.dialect;
    const rows = await this.#run(
      'trace_spans',
      'spans',
      'all',
      `SELECT ${d.traceIdToHex('s.trace_id')} AS trace_id, ${d.spanIdToHex('s.span_id')} AS span_id,
         ${d.spanIdToHex('s.parent_span_id')} AS parent_span_id, s.service, s.name, s.kind,
         ${d.timestampToMicros('s.start')} AS start_us, s.duration_ms, s.status_code, s.status_message, s.event_id,
         s.compute_usd, s.kafka_usd, s.query_usd, s.cost_usd, CAST(s.attributes AS VARCHAR) AS attributes,
         CAST(r.attributes AS VARCHAR) AS resource_attributes
       FROM spans s LEFT JOIN span_resources r ON r.resource_id = s.resource_id
       WHERE s.trace_id = ${d.traceIdFromHex('$1')}
       ORDER BY s.start, s.span_id`,
      [traceId],
    );
    return rows.map((r) => {
      const span = {
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
      };
      const resource = r.resource_attributes == null ? undefined : parseJsonObject(r.resource_attributes);
      return { ...span, attributes: spanAttributes(span, parseJsonObject(r.attributes), resource) };
    });
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
   * earliest first, then those of raw dead letters holding a request of that id: a request refused
   * before ingest read its id (not OpenRTB, a broken rule) has no such span, only the trace of its
   * refusal, and "what happened to my request?" is asked of those most. Request ids are unique per
   * exchange, not across them, so there may be several.
   */
  async traceIdsForRequest(requestId: string): Promise<string[]> {
    const d = this.#db.dialect;
    const [spanRows, letterRows] = await Promise.all([
      this.#run(
        'trace_ids_for_request',
        'spans',
        ['trace_id', 'attributes', 'start'],
        `SELECT ${d.traceIdToHex('trace_id')} AS trace_id, min(start) AS first_start
         FROM spans WHERE ${d.jsonText('attributes', REQUEST_ID_ATTRIBUTE)} = $1
         GROUP BY trace_id ORDER BY first_start, trace_id LIMIT 100`,
        [requestId],
      ),
      // The redacted copy is JSON.stringify's: a request's own id is `"id":<the id as JSON>` in it
      // (so are its imps' and site's: each candidate is parsed and its top-level id compared).
      this.#run(
        'trace_ids_for_rejected_request',
        'raw_dead_letters',
        ['value', 'traceparent', 'dead_lettered_at'],
        `SELECT value, traceparent FROM raw_dead_letters WHERE ${d.bytesContain('value', '$1')}
         ORDER BY dead_lettered_at, dlq_partition, dlq_offset LIMIT 100`,
        [`"id":${JSON.stringify(requestId)}`],
      ),
    ]);
    const ids = spanRows.map((r) => String(r.trace_id));
    for (const r of letterRows) {
      const traceId = requestOf(toBufferOrNull(r.value))?.id === requestId && traceIdOf(r.traceparent);
      if (traceId && !ids.includes(traceId)) ids.push(traceId);
    }
    return ids;
  }

  async traceStages(traceIds: readonly string[]): Promise<TraceStages[]> {
    if (traceIds.length > MAX_TRACE_STAGES) throw new RangeError(`at most ${MAX_TRACE_STAGES} trace ids at once`);
    const bad = traceIds.find((id) => !TRACE_ID.test(id));
    if (bad !== undefined) throw new RangeError(`a trace id is 32 lower-case hex digits, got "${bad}"`);
    if (traceIds.length === 0) return [];
    const sql = traceStagesSql(this.#db.dialect, traceIds.length);
    const rows = await this.#run('trace_stages', 'spans', ['trace_id', 'service', 'name', 'attributes'], sql, [
      ...traceIds,
    ]);
    return toTraceStages(traceIds, rows);
  }

  async stageStats(query: StageStatsQuery = {}): Promise<StageReport> {
    const { stages, totals } = stageReportSql(this.#db.dialect, query.by ?? 'service');
    const since = Math.max(0, Math.floor(query.sinceMs ?? 0)) * 1000;
    const columns = ['trace_id', 'span_id', 'parent_span_id', 'service', 'name', 'start', 'duration_ms', 'event_id'];
    const costColumns = ['compute_usd', 'kafka_usd', 'query_usd', 'storage_usd', 'cost_usd', 'attributes'];
    const [stageRows, totalRows] = await Promise.all([
      this.#run('stage_stats', 'spans', [...columns, ...costColumns], stages, [since]),
      this.#db.all(totals, [since]),
    ]);
    return toStageReport(stageRows, totalRows[0] ?? {});
  }

  async roasWindows(query: RoasQuery = {}): Promise<RoasWindowRow[]> {
    const { sql, params } = roasWindowsSql(this.#db.dialect, query, limit(query.limit));
    const rows = await this.#run('roas_windows', 'roas_window_generations', 'all', sql, params);
    return rows.map(toRoasWindow);
  }

  async roasGenerations(): Promise<RoasGenerationRow[]> {
    const sql = roasGenerationsSql(this.#db.dialect);
    return (await this.#run('roas_generations', 'roas_generation_progress', 'all', sql, [])).map(toRoasGeneration);
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

  /** Spend and revenue per campaign from attributed events since `sinceMs` (the open period), most spend first. */
  async campaignTotals(query: CampaignTotalsQuery): Promise<CampaignTotals[]> {
    const since = Math.max(0, Math.floor(query.sinceMs)) * 1000;
    const rows = await this.#run(
      'campaign_totals',
      'attributed_events',
      CAMPAIGN_TOTALS_COLUMNS,
      campaignTotalsSql(this.#db.dialect),
      [since, limit(query.limit, 10, 1000)],
    );
    return rows.map(toCampaignTotals);
  }

  /** User keys that meet every condition (the segment builder's behavioural criteria), sorted. */
  async segmentMembers(query: SegmentMembersQuery): Promise<string[]> {
    checkSegmentMembersQuery(query);
    const { sql, params } = segmentMembersSql(this.#db.dialect, query);
    const joinsEvents = query.conditions.some((c) => c.events !== 'impression');
    const [rows, impressions, events] = await Promise.all([
      this.#db.all(sql, params),
      this.#db.tableRows('impressions'),
      joinsEvents ? this.#db.tableRows('attributed_events') : 0,
    ]);
    const bytesScanned =
      scanBytes('impressions', impressions, ['impression_id', 'user_key', 'campaign_id', 'event_time']) +
      scanBytes('attributed_events', events, ['impression_id', 'kind', 'campaign_id', 'value_micros', 'event_time']);
    this.#onQuery?.({ query: 'segment_members', rows: rows.length, bytesScanned });
    return rows.map((r) => String(r.user_key));
  }

  async noFillReport(query: NoFillQuery = {}): Promise<NoFillReport> {
    const d = this.#db.dialect;
    const since = Math.max(0, Math.floor(query.sinceMs ?? 0)) * 1000;
    const traceIds = query.traceIds ?? [];
    if (traceIds.length > MAX_NO_FILL_TRACES) throw new RangeError(`at most ${MAX_NO_FILL_TRACES} trace ids at once`);
    const bad = traceIds.find((id) => !TRACE_ID.test(id));
    if (bad !== undefined) throw new RangeError(`a trace id is 32 lower-case hex digits, got "${bad}"`);
    // auction_outcomes.trace_id holds the hex of the trace the outcome's record carried.
    const byTrace =
      query.traceIds === undefined
        ? ''
        : ` AND trace_id IN (${traceIds.map((_, i) => `$${i + 2}`).join(', ') || 'NULL'})`;
    const rows = await this.#run(
      'no_fill',
      'auction_outcomes',
      ['outcome', 'no_fill_reason', 'decided_at', ...(byTrace ? ['trace_id'] : [])],
      `SELECT outcome, no_fill_reason AS reason, count(*) AS n FROM auction_outcomes
       WHERE decided_at >= ${d.timestampFromMicros('$1')}${byTrace} GROUP BY outcome, no_fill_reason`,
      [since, ...traceIds],
    );
    const outcomes = rows.reduce((s, r) => s + toNumber(r.n), 0);
    const rate = (n: number) => (outcomes > 0 ? n / outcomes : 0);
    const reasons = rows
      .filter((r) => r.outcome === 'no_fill')
      .map((r) => ({ reason: String(r.reason ?? 'OTHER'), count: toNumber(r.n), rate: rate(toNumber(r.n)) }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    const noFills = reasons.reduce((s, r) => s + r.count, 0);
    return { outcomes, wins: outcomes - noFills, noFills, noFillRate: rate(noFills), reasons };
  }

  async deadLetters(query: ListQuery = {}): Promise<DeadLetterRow[]> {
    const n = limit(query.limit);
    const list = async (table: 'dead_letters' | 'raw_dead_letters') =>
      (await this.#run(table, table, 'all', deadLettersSql(this.#db.dialect, n, table), [])).map(toDeadLetter);
    const [pipeline, raw] = await Promise.all([list('dead_letters'), list('raw_dead_letters')]);
    // Each newest first; merged the same way, a letter without a time last.
    const at = (r: DeadLetterRow) => r.deadLetteredAtMs ?? Number.NEGATIVE_INFINITY;
    return [...pipeline, ...raw.map((r) => ({ ...r, raw: true }))].sort((a, b) => at(b) - at(a)).slice(0, n);
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

/** A raw dead letter's redacted JSON, if it is a JSON object. */
function requestOf(value: Buffer | null): { readonly id?: unknown } | undefined {
  try {
    const parsed: unknown = value === null ? null : JSON.parse(value.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The trace id of a W3C traceparent (`00-<trace id>-<span id>-<flags>`), if it is one. */
function traceIdOf(traceparent: unknown): string | undefined {
  const traceId = typeof traceparent === 'string' ? traceparent.split('-')[1] : undefined;
  return traceId !== undefined && TRACE_ID.test(traceId) ? traceId : undefined;
}
