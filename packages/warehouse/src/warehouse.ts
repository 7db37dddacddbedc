import type { AlertRow, AuctionOutcomeRow, CampaignRow, ImpressionRow, LateEventRow } from './attribution-tables.ts';
import type { CampaignTotals, CampaignTotalsQuery } from './campaign-totals.ts';
import type { RoasGenerationRow } from './roas-generations.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanResourceRow, SpanRow } from './rows.ts';
import type { SegmentMembersQuery } from './segment-members.ts';
import type { TraceStages } from './trace-stages.ts';

/** A span as the trace query returns it: its row, with the attributes parsed. */
export type TraceSpan = Omit<SpanRow, 'attributesJson'> & { readonly attributes: Record<string, unknown> };

export interface StageStatsQuery {
  /** `service` (default): one row per service; `span`: one per service + span name. */
  readonly by?: 'service' | 'span';
  /** Only traces whose first span started at or after this time (ms since the epoch), counted whole. */
  readonly sinceMs?: number;
}

/** One stage's share of the pipeline, over the events (traces with an event id) in range. */
export interface StageStats {
  readonly stage: string;
  /** Events that passed through the stage. */
  readonly events: number;
  /** The stage's latency per event: summed duration of its hop roots (spans whose parent is in another stage). */
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Share of the summed latency of all stages. */
  readonly latencyShare: number;
  /** Self cost summed over the stage's spans, divided by all events in range. */
  readonly costPerEventUsd: number;
  readonly costShare: number;
  readonly computeUsd: number;
  readonly kafkaUsd: number;
  readonly queryUsd: number;
  /** Storing rows in the warehouse (the warehouse's load spans): the storage-write price of the bytes. */
  readonly storageUsd: number;
  /** Of costUsd: the stage's spans outside event traces in range (flushes, loads), shared by all events. */
  readonly sharedUsd: number;
  /** Of costUsd: storing traces (its share of the warehouse's `warehouse.load spans`), which scales with the sampling ratio. */
  readonly traceStorageUsd: number;
  /**
   * Of costUsd: what the warehouse spent storing this stage's data (by service): its share of
   * storing traces, the loads of its output tables, the loader's spans of its output topics.
   */
  readonly storedUsd: number;
  readonly costUsd: number;
}

/** A latency over the events that have it; null percentiles when none has. */
export interface LatencySummary {
  readonly events: number;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

export interface StageReport {
  /** Traces in range that carry an event id. */
  readonly events: number;
  /** First span start to last span end, per event: includes clicks and conversions that joined the trace later. */
  readonly endToEndP50Ms: number;
  readonly endToEndP99Ms: number;
  /** Request → impression: the trace's first span start to the end of its impression span (`ads.prepare_creative`). */
  readonly serving: LatencySummary;
  /** Impression → conversion: the impression span's end to the conversion's `ads.attribute` span. */
  readonly conversionLag: LatencySummary;
  readonly costPerEventUsd: number;
  readonly stages: readonly StageStats[];
}

export interface ListQuery {
  readonly limit?: number;
}

export interface RoasQuery extends ListQuery {
  readonly campaignId?: string;
  /** Windows that start at or after this time (ms since the epoch). */
  readonly sinceMs?: number;
  /** One generation's windows, current or not (default: the current generation, `roas_windows`). */
  readonly generation?: number;
}

/** What one query read, for the query's span (`adtrace.query.bytes_scanned`). */
export interface QueryStats {
  readonly query: string;
  readonly rows: number;
  /** Estimated as BigQuery on-demand bills: bytes of the columns read, over the tables' rows. */
  readonly bytesScanned: number;
}

/** What `noFillReport` counts: outcomes decided at or after `sinceMs`, of these traces only if given. */
export interface NoFillQuery {
  readonly sinceMs?: number;
  /** Only the outcomes of these traces (hex trace ids, at most MAX_NO_FILL_TRACES): one run's requests. */
  readonly traceIds?: readonly string[];
}

/** At most this many trace ids per no-fill query. */
export const MAX_NO_FILL_TRACES = 500;

/**
 * Auction outcomes from the exact `auction_outcomes` table (every outcome the auction wrote, not
 * sampled as spans are). One outcome per auctioned **imp**: a request with three imps makes
 * three, each a win or a no-fill with the auction's reason code (NoFillReason of
 * schemas/AuctionOutcome.avsc: NO_CANDIDATES, NO_TARGETING_MATCH, BELOW_FLOOR, FREQUENCY_CAPPED,
 * BUDGET_EXHAUSTED, POLICY_BLOCKED, BLOCKED_BY_REQUEST, TIMEOUT, OTHER). Imps of requests that
 * never reached the auction (dead-lettered by ingest) have no outcome and are not counted.
 */
export interface NoFillReport {
  /** Auction outcomes (one per auctioned imp) in range. */
  readonly outcomes: number;
  /** outcomes − noFills. */
  readonly wins: number;
  readonly noFills: number;
  /** noFills / outcomes (0 when there were none). */
  readonly noFillRate: number;
  /** Most frequent first; `rate` is of all outcomes, so the rates add up to noFillRate. */
  readonly reasons: readonly { readonly reason: string; readonly count: number; readonly rate: number }[];
}

export interface LoadResult {
  /** Rows offered. */
  readonly received: number;
  /** Rows that were new (the rest were already there: loads are idempotent). */
  readonly inserted: number;
  /** Bytes of the rows offered, as a storage-write API bills them (tables.ts `bytesWritten`). */
  readonly bytesWritten: number;
  /**
   * Set when the load ran in one transaction with others (DuckDB's group commit): the group, and
   * this load's share of its work (its bytes over the group's). What the transaction cost is the
   * group's, and whoever measures it by wall-clock phases can split it by `share`.
   */
  readonly group?: { readonly id: number; readonly share: number };
}

/**
 * The warehouse: DuckDB or PostgreSQL behind one interface. Every load is one transaction and
 * idempotent (loading the same rows again changes nothing); only the warehouse service writes.
 */
export interface Warehouse {
  readonly dialect: 'duckdb' | 'postgres';
  /** Applies pending migrations; returns the versions applied now. */
  migrate(): Promise<number[]>;
  loadSpans(rows: readonly SpanRow[]): Promise<LoadResult>;
  /** Resources the spans name (`resourceId`); one already there is left as it is. Load them before their spans. */
  loadSpanResources(rows: readonly SpanResourceRow[]): Promise<LoadResult>;
  /**
   * Deletes the spans that started before `beforeMs` (ms since the epoch): the service's span
   * retention. Returns how many. The other tables (attribution, ROAS, outcomes) are not touched.
   */
  deleteSpansBefore(beforeMs: number): Promise<number>;
  loadAttributedEvents(rows: readonly AttributedEventRow[]): Promise<LoadResult>;
  /**
   * Keeps each generation's latest revision per window; switches `roas_windows` to a higher
   * generation once it has caught up with the current one (roas-generations.ts).
   */
  loadRoasWindows(rows: readonly RoasWindowRow[]): Promise<LoadResult>;
  loadDeadLetters(rows: readonly DeadLetterRow[]): Promise<LoadResult>;
  /** The raw topics' dead letters, already redacted (raw_dead_letters); listed by `deadLetters` with `raw` set. */
  loadRawDeadLetters(rows: readonly DeadLetterRow[]): Promise<LoadResult>;
  loadImpressions(rows: readonly ImpressionRow[]): Promise<LoadResult>;
  loadAuctionOutcomes(rows: readonly AuctionOutcomeRow[]): Promise<LoadResult>;
  loadAlerts(rows: readonly AlertRow[]): Promise<LoadResult>;
  loadLateEvents(rows: readonly LateEventRow[]): Promise<LoadResult>;
  /** Keeps the latest version per campaign id; a tombstone row marks it deleted. */
  loadCampaigns(rows: readonly CampaignRow[]): Promise<LoadResult>;
  /**
   * Plain SQL, as an attribution team would write it (tests, ad-hoc reads): $1… parameters,
   * rows as the driver returns them. For reading: nothing but the service writes.
   */
  sql(text: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /** All spans of one trace, by start time. */
  traceSpans(traceId: string): Promise<TraceSpan[]>;
  /** Trace ids whose spans carry this event id, earliest first. */
  traceIdsForEvent(eventId: string): Promise<string[]>;
  /** Trace ids whose spans carry this OpenRTB request id (`openrtb.request_id`), earliest first. */
  traceIdsForRequest(requestId: string): Promise<string[]>;
  /** Per trace, its spans per service and name (at most MAX_TRACE_STAGES ids). */
  traceStages(traceIds: readonly string[]): Promise<TraceStages[]>;
  stageStats(query?: StageStatsQuery): Promise<StageReport>;
  /** The current generation's windows, newest first (or one generation's: `generation`). */
  roasWindows(query?: RoasQuery): Promise<RoasWindowRow[]>;
  /** Every generation seen, with its progress against the current one. */
  roasGenerations(): Promise<RoasGenerationRow[]>;
  attributedEvents(query?: ListQuery & { campaignId?: string }): Promise<AttributedEventRow[]>;
  /**
   * Spend and revenue per campaign from the attributed events since `sinceMs`, most spend first:
   * provisional figures for a period whose ROAS windows have not closed (campaign-totals.ts).
   */
  campaignTotals(query: CampaignTotalsQuery): Promise<CampaignTotals[]>;
  /** User keys meeting every condition on recent impressions, clicks and conversions (segment builder), sorted. */
  segmentMembers(query: SegmentMembersQuery): Promise<string[]>;
  /** Auction outcomes decided in range (of the traces given, if any): wins, the no-fill rate, by reason. */
  noFillReport(query?: NoFillQuery): Promise<NoFillReport>;
  /** Newest first, of dead_letters and raw_dead_letters together (the latter with `raw`). */
  deadLetters(query?: ListQuery): Promise<DeadLetterRow[]>;
  /**
   * Traces of the aggregation's `ads.aggregate.flush` spans for one campaign's window (one per
   * emission: closed, restated, final), latest first: where a ROAS figure links to its events.
   */
  flushTraceIds(query: { campaignId: string; windowStartMs: number }): Promise<string[]>;
  close(): Promise<void>;
}

export interface WarehouseOptions {
  /** Called after each query with what it read (the service puts it on the query's span). */
  readonly onQuery?: (stats: QueryStats) => void;
}
