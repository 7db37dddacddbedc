import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanRow } from './rows.ts';

/** A span as the trace query returns it: its row, with the attributes parsed. */
export type TraceSpan = Omit<SpanRow, 'attributesJson'> & { readonly attributes: Record<string, unknown> };

export interface StageStatsQuery {
  /** `service` (default): one row per service; `span`: one per service + span name. */
  readonly by?: 'service' | 'span';
  /** Only traces that started at or after this time (ms since the epoch). */
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
  readonly costUsd: number;
}

export interface StageReport {
  /** Traces in range that carry an event id. */
  readonly events: number;
  /** End to end: first span start to last span end, per event. */
  readonly endToEndP50Ms: number;
  readonly endToEndP99Ms: number;
  readonly costPerEventUsd: number;
  readonly stages: readonly StageStats[];
}

/**
 * Auction outcomes per imp, as the auction's `ads.auction` spans record them (attributes
 * `ads.auction.outcome`, `ads.no_fill.reason`): so they follow the sampling ratio.
 */
export interface NoFillReport {
  /** Imps decided (ads.auction spans with an outcome) that started at or after `sinceMs`. */
  readonly imps: number;
  readonly wins: number;
  readonly noFills: number;
  /** Most frequent first. */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
}

export interface ListQuery {
  readonly limit?: number;
}

/** What one query read, for the query's span (`adtrace.query.bytes_scanned`). */
export interface QueryStats {
  readonly query: string;
  readonly rows: number;
  /** Estimated as BigQuery on-demand bills: bytes of the columns read, over the tables' rows. */
  readonly bytesScanned: number;
}

export interface LoadResult {
  /** Rows offered. */
  readonly received: number;
  /** Rows that were new (the rest were already there: loads are idempotent). */
  readonly inserted: number;
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
  loadAttributedEvents(rows: readonly AttributedEventRow[]): Promise<LoadResult>;
  /** Inserts new windows and replaces a window only with a higher revision (restatement). */
  loadRoasWindows(rows: readonly RoasWindowRow[]): Promise<LoadResult>;
  loadDeadLetters(rows: readonly DeadLetterRow[]): Promise<LoadResult>;
  /** All spans of one trace, by start time. */
  traceSpans(traceId: string): Promise<TraceSpan[]>;
  /** Trace ids whose spans carry this event id, earliest first. */
  traceIdsForEvent(eventId: string): Promise<string[]>;
  /** Trace ids whose spans carry this OpenRTB request id (`openrtb.request_id`), earliest first. */
  traceIdsForRequest(requestId: string): Promise<string[]>;
  stageStats(query?: StageStatsQuery): Promise<StageReport>;
  roasWindows(query?: ListQuery & { campaignId?: string }): Promise<RoasWindowRow[]>;
  attributedEvents(query?: ListQuery & { campaignId?: string }): Promise<AttributedEventRow[]>;
  /** Newest first. */
  deadLetters(query?: ListQuery): Promise<DeadLetterRow[]>;
  /** Wins, no-fills and no-fill reasons of the imps decided since `sinceMs`, from the auction's spans. */
  noFills(query?: { sinceMs?: number }): Promise<NoFillReport>;
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
