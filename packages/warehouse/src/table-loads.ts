import {
  type AlertRow,
  type AuctionOutcomeRow,
  alertsLoad,
  auctionOutcomesLoad,
  type CampaignRow,
  campaignsLoad,
  type ImpressionRow,
  impressionsLoad,
  type LateEventRow,
  lateEventsLoad,
  latestCampaigns,
} from './attribution-tables.ts';
import type { Dialect } from './dialect.ts';
import { Queries } from './queries.ts';
import type { AttributedEventRow, DeadLetterRow, RoasWindowRow, SpanResourceRow, SpanRow } from './rows.ts';
import { spanResourcesLoad, spansLoad, type TableLoad } from './tables.ts';
import {
  attributedEventsLoad,
  deadLettersLoad,
  latestRevisions,
  rawDeadLettersLoad,
  roasWindowsLoad,
} from './topic-tables.ts';
import type { LoadResult } from './warehouse.ts';

/** Every table a load below writes: what a backend prepares for at start (DuckDB's staging tables, its column checks). */
export const TABLE_LOADS = [
  ...[spansLoad, spanResourcesLoad, attributedEventsLoad, roasWindowsLoad, deadLettersLoad, rawDeadLettersLoad],
  ...[impressionsLoad, auctionOutcomesLoad, alertsLoad, lateEventsLoad, campaignsLoad],
] as const;

/**
 * The `Warehouse` loads, written once: each names its table's load (tables.ts), and what a
 * backend does with it is its `loadTable`. Rows that carry revisions (ROAS windows, campaigns)
 * keep only each key's latest before they go.
 */
export abstract class TableLoads extends Queries {
  /** One load: all of `rows` or none, in one transaction; keys already there as the spec says. */
  protected abstract loadTable<Row>(spec: TableLoad<Row>, rows: readonly Row[]): Promise<LoadResult>;

  /** One statement that changes rows (`sql` of the backend's dialect), run as its writes run; returns the rows changed. */
  protected abstract write(sql: (d: Dialect) => string, params: readonly unknown[]): Promise<number>;

  deleteSpansBefore(beforeMs: number): Promise<number> {
    if (!Number.isFinite(beforeMs)) return Promise.reject(new RangeError(`beforeMs must be a number, got ${beforeMs}`));
    const micros = String(Math.floor(beforeMs) * 1000);
    return this.write((d) => `DELETE FROM spans WHERE start < ${d.timestampFromMicros('$1')}`, [micros]);
  }

  loadSpans(rows: readonly SpanRow[]): Promise<LoadResult> {
    return this.loadTable(spansLoad, rows);
  }

  loadSpanResources(rows: readonly SpanResourceRow[]): Promise<LoadResult> {
    return this.loadTable(spanResourcesLoad, rows);
  }

  loadAttributedEvents(rows: readonly AttributedEventRow[]): Promise<LoadResult> {
    return this.loadTable(attributedEventsLoad, rows);
  }

  loadRoasWindows(rows: readonly RoasWindowRow[]): Promise<LoadResult> {
    return this.loadTable(roasWindowsLoad, latestRevisions(rows));
  }

  loadDeadLetters(rows: readonly DeadLetterRow[]): Promise<LoadResult> {
    return this.loadTable(deadLettersLoad, rows);
  }

  loadRawDeadLetters(rows: readonly DeadLetterRow[]): Promise<LoadResult> {
    return this.loadTable(rawDeadLettersLoad, rows);
  }

  loadImpressions(rows: readonly ImpressionRow[]): Promise<LoadResult> {
    return this.loadTable(impressionsLoad, rows);
  }

  loadAuctionOutcomes(rows: readonly AuctionOutcomeRow[]): Promise<LoadResult> {
    return this.loadTable(auctionOutcomesLoad, rows);
  }

  loadAlerts(rows: readonly AlertRow[]): Promise<LoadResult> {
    return this.loadTable(alertsLoad, rows);
  }

  loadLateEvents(rows: readonly LateEventRow[]): Promise<LoadResult> {
    return this.loadTable(lateEventsLoad, rows);
  }

  loadCampaigns(rows: readonly CampaignRow[]): Promise<LoadResult> {
    return this.loadTable(campaignsLoad, latestCampaigns(rows));
  }
}
