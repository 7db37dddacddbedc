import { DeadLetterHeaders, findHeader, Headers, type RecordMeta } from '@adtrace/stream';
import type { DeadLetterRow } from '@adtrace/warehouse';

const INT32_MAX = 2 ** 31 - 1;
const INT64_MAX = 2n ** 63n - 1n;
/** 9999-12-31: later (or negative) times are not times; both warehouses refuse some of them. */
const MAX_MS = 253_402_300_799_999;

/** PostgreSQL text and JSON refuse U+0000; a header may carry anything. */
const text = (s: string | undefined): string | null => (s === undefined ? null : s.replaceAll('\u0000', ''));
const partition = (s: string | undefined): number | null => {
  const n = s !== undefined && /^\d{1,10}$/.test(s) ? Number(s) : Number.NaN;
  return n <= INT32_MAX ? n : null;
};
const offset = (s: string | undefined): string | null =>
  s !== undefined && /^\d{1,19}$/.test(s) && BigInt(s) <= INT64_MAX ? s : null;
const ms = (n: number | undefined): number | null =>
  n !== undefined && Number.isFinite(n) && n >= 0 && n <= MAX_MS ? Math.trunc(n) : null;
const msOf = (s: string | undefined): number | null => ms(s !== undefined && /^\d+$/.test(s) ? Number(s) : undefined);

/**
 * A record of the dead-letters topic → a row. **Total**: any bytes and any headers become a row
 * (a header that is missing, or not what the runtime writes, stays null), so the loader never
 * refuses a dead letter — the runtime never dead-letters one again (it would loop), it would
 * crash instead. Written by the runtime, a dead letter has its original key, value and headers
 * plus the DeadLetterHeaders of @adtrace/stream; one written by someone else is loaded too.
 */
export function deadLetterRow(record: RecordMeta, value: Buffer | null): DeadLetterRow {
  const h = (name: string) => findHeader(record.headers, name);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(record.headers)) headers[text(name)!] = text(h(name)) ?? '';
  return {
    dlqPartition: record.partition,
    dlqOffset: record.offset,
    originalTopic: text(h(DeadLetterHeaders.originalTopic)),
    originalPartition: partition(h(DeadLetterHeaders.originalPartition)),
    originalOffset: offset(h(DeadLetterHeaders.originalOffset)),
    originalTimestampMs: msOf(h(DeadLetterHeaders.originalTimestamp)),
    deadLetteredAtMs: msOf(h(DeadLetterHeaders.deadLetteredAt)) ?? ms(record.timestamp),
    reason: text(h(DeadLetterHeaders.reason)),
    code: text(h(DeadLetterHeaders.code)),
    errorClass: text(h(DeadLetterHeaders.errorClass)),
    stage: text(h(DeadLetterHeaders.stage)),
    eventId: text(h(Headers.eventId)),
    traceparent: text(h(DeadLetterHeaders.originalTraceparent) ?? h(Headers.traceparent)),
    key: record.key,
    value,
    headersJson: JSON.stringify(headers),
  };
}
