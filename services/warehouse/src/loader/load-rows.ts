import type { RecordMeta, SinkInput, SinkRecord } from '@adtrace/stream';
import type {
  AlertRow,
  AttributedEventRow,
  AuctionOutcomeRow,
  CampaignRow,
  DeadLetterRow,
  ImpressionRow,
  LateEventRow,
  LoadResult,
  RoasWindowRow,
  Warehouse,
} from '@adtrace/warehouse';
import { tracedLoad } from '../load-span.ts';
import {
  alertRow,
  auctionOutcomeRow,
  campaignRow,
  campaignTombstoneRow,
  impressionRow,
  lateEventRow,
} from './attribution-rows.ts';
import { deadLetterRow, rawDeadLetterRow } from './dead-letter-row.ts';
import { asSinkError } from './load-errors.ts';
import { attributedEventRow, type RecordDecoders, roasWindowRow } from './record-rows.ts';

export interface LoaderTopics {
  readonly attributedEvents: string;
  readonly roas: string;
  readonly deadLetters: string;
  /** The raw topics' dead letters, loaded redacted into raw_dead_letters; left out, not loaded. */
  readonly rawDeadLetters?: string;
  /** The attribution topics; a topic left out is not loaded. */
  readonly impressions?: string;
  readonly auctionOutcomes?: string;
  readonly alerts?: string;
  readonly lateEvents?: string;
  readonly campaigns?: string;
}

/** What a record of each topic becomes: a row of its table. */
export type LoadRow =
  | { readonly table: 'attributed_events'; readonly row: AttributedEventRow }
  | { readonly table: 'roas_windows'; readonly row: RoasWindowRow }
  | { readonly table: 'dead_letters'; readonly row: DeadLetterRow }
  | { readonly table: 'raw_dead_letters'; readonly row: DeadLetterRow }
  | { readonly table: 'impressions'; readonly row: ImpressionRow }
  | { readonly table: 'auction_outcomes'; readonly row: AuctionOutcomeRow }
  | { readonly table: 'alerts'; readonly row: AlertRow }
  | { readonly table: 'late_events'; readonly row: LateEventRow }
  | { readonly table: 'campaigns'; readonly row: CampaignRow };

/**
 * Per topic, decode to a row. A record that does not decode, or decodes to a row the table
 * cannot hold, throws: the sink dead-letters it (stage = the loader's name) into the
 * dead-letters topic, which this loader reads too. Dead letters themselves always become a row
 * (dead-letter-row.ts), also a tombstone: a dead letter is never dead-lettered again.
 */
export function loaderInputs(
  topics: LoaderTopics,
  decoders: RecordDecoders,
  onUndecodable: () => void,
): SinkInput<LoadRow>[] {
  const counted =
    (decode: SinkInput<LoadRow>['decode']): SinkInput<LoadRow>['decode'] =>
    (bytes, record) => {
      try {
        return decode(bytes, record);
      } catch (error) {
        onUndecodable();
        throw error;
      }
    };
  const dead = (value: Buffer | null, record: RecordMeta): LoadRow => ({
    table: 'dead_letters',
    row: deadLetterRow(record, value),
  });
  const rawDead = (value: Buffer | null, record: RecordMeta): LoadRow => ({
    table: 'raw_dead_letters',
    row: rawDeadLetterRow(record, value),
  });
  return [
    {
      topic: topics.attributedEvents,
      decode: counted((bytes, r) => ({
        table: 'attributed_events',
        row: attributedEventRow(decoders.attributedEvent(bytes), r.traceId ?? null),
      })),
    },
    {
      topic: topics.roas,
      decode: counted((bytes) => ({ table: 'roas_windows', row: roasWindowRow(decoders.roasWindow(bytes)) })),
    },
    { topic: topics.deadLetters, decode: dead, tombstone: (_key, record) => dead(null, record) },
    ...(topics.rawDeadLetters === undefined
      ? []
      : [
          {
            topic: topics.rawDeadLetters,
            decode: rawDead,
            tombstone: (_key: unknown, r: RecordMeta) => rawDead(null, r),
          },
        ]),
    ...attributionInputs(topics, decoders, counted),
  ];
}

function attributionInputs(
  topics: LoaderTopics,
  decoders: RecordDecoders,
  counted: (decode: SinkInput<LoadRow>['decode']) => SinkInput<LoadRow>['decode'],
): SinkInput<LoadRow>[] {
  const trace = (r: RecordMeta) => r.traceId ?? null;
  const inputs: (SinkInput<LoadRow> | undefined)[] = [
    topics.impressions === undefined
      ? undefined
      : {
          topic: topics.impressions,
          decode: counted((b, r) => ({ table: 'impressions', row: impressionRow(decoders.impression(b), trace(r)) })),
        },
    topics.auctionOutcomes === undefined
      ? undefined
      : {
          topic: topics.auctionOutcomes,
          decode: counted((b, r) => ({
            table: 'auction_outcomes',
            row: auctionOutcomeRow(decoders.auctionOutcome(b), trace(r)),
          })),
        },
    topics.alerts === undefined
      ? undefined
      : {
          topic: topics.alerts,
          decode: counted((b, r) => ({ table: 'alerts', row: alertRow(decoders.alert(b), trace(r)) })),
        },
    topics.lateEvents === undefined
      ? undefined
      : {
          topic: topics.lateEvents,
          decode: counted((b, r) => ({ table: 'late_events', row: lateEventRow(decoders.attributedEvent(b), r) })),
        },
    topics.campaigns === undefined
      ? undefined
      : {
          topic: topics.campaigns,
          decode: counted((b) => ({ table: 'campaigns', row: campaignRow(decoders.campaign(b)) })),
          // Compacted: a null value deletes the campaign of its key.
          tombstone: (key, r) => ({ table: 'campaigns', row: campaignTombstoneRow(key, r) }),
        },
  ];
  return inputs.filter((i) => i !== undefined);
}

/**
 * One sink write: the records grouped by topic, each group one load (one warehouse
 * transaction, idempotent). `inserted` counts the rows that were new, per topic.
 */
export async function loadRecords(
  warehouse: Warehouse,
  records: readonly SinkRecord<LoadRow>[],
  inserted: Record<string, number>,
): Promise<void> {
  const byTopic = new Map<string, LoadRow[]>();
  for (const r of records) {
    const rows = byTopic.get(r.topic) ?? [];
    byTopic.set(r.topic, rows);
    rows.push(r.value);
  }
  for (const [topic, rows] of byTopic) {
    let result: LoadResult;
    try {
      result = await tracedLoad(rows[0]!.table, () => loadTable(warehouse, rows));
    } catch (error) {
      throw asSinkError(error);
    }
    inserted[topic] = (inserted[topic] ?? 0) + result.inserted;
  }
}

function loadTable(warehouse: Warehouse, rows: readonly LoadRow[]): Promise<LoadResult> {
  const of = <T extends LoadRow['table']>(table: T) =>
    rows.flatMap((r) => (r.table === table ? [r.row as Extract<LoadRow, { table: T }>['row']] : []));
  switch (rows[0]!.table) {
    case 'attributed_events':
      return warehouse.loadAttributedEvents(of('attributed_events'));
    case 'roas_windows':
      return warehouse.loadRoasWindows(of('roas_windows'));
    case 'dead_letters':
      return warehouse.loadDeadLetters(of('dead_letters'));
    case 'raw_dead_letters':
      return warehouse.loadRawDeadLetters(of('raw_dead_letters'));
    case 'impressions':
      return warehouse.loadImpressions(of('impressions'));
    case 'auction_outcomes':
      return warehouse.loadAuctionOutcomes(of('auction_outcomes'));
    case 'alerts':
      return warehouse.loadAlerts(of('alerts'));
    case 'late_events':
      return warehouse.loadLateEvents(of('late_events'));
    case 'campaigns':
      return warehouse.loadCampaigns(of('campaigns'));
  }
}
