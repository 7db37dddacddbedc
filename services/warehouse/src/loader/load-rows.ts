import type { RecordMeta, SinkInput, SinkRecord } from '@adtrace/stream';
import type { AttributedEventRow, DeadLetterRow, LoadResult, RoasWindowRow, Warehouse } from '@adtrace/warehouse';
import { deadLetterRow } from './dead-letter-row.ts';
import { asSinkError } from './load-errors.ts';
import { attributedEventRow, type RecordDecoders, roasWindowRow } from './record-rows.ts';

export interface LoaderTopics {
  readonly attributedEvents: string;
  readonly roas: string;
  readonly deadLetters: string;
}

/** What a record of each topic becomes: a row of its table. */
export type LoadRow =
  | { readonly table: 'attributed_events'; readonly row: AttributedEventRow }
  | { readonly table: 'roas_windows'; readonly row: RoasWindowRow }
  | { readonly table: 'dead_letters'; readonly row: DeadLetterRow };

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
  ];
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
      result = await loadTable(warehouse, rows);
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
  }
}
