import { redactRawDeadLetter } from '@adtrace/ads';
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

/** The headers a raw dead letter's copy keeps: the runtime's own; upstream's may carry anything. */
const RAW_KEPT_HEADERS = new Set<string>([...Object.values(DeadLetterHeaders), Headers.eventId, Headers.traceparent]);

/**
 * A record of a raw topic's dead-letters topic (upstream's bid requests, the trackers' events) →
 * a row of raw_dead_letters: what deadLetterRow keeps, less what may identify a person — no key
 * (upstream's ids), the value redacted by the original topic's rules (ids removed, IPs truncated;
 * nothing when unreadable: redactRawDeadLetter), and only the runtime's headers. Total, as deadLetterRow.
 */
export function rawDeadLetterRow(record: RecordMeta, value: Buffer | null): DeadLetterRow {
  const row = deadLetterRow(record, null);
  const redacted = redactRawDeadLetter(value, row.originalTopic ?? '').value;
  const headers = Object.entries(JSON.parse(row.headersJson) as Record<string, string>);
  return {
    ...row,
    key: null,
    value: redacted === null ? null : Buffer.from(redacted, 'utf8'),
    headersJson: JSON.stringify(Object.fromEntries(headers.filter(([name]) => RAW_KEPT_HEADERS.has(name)))),
  };
}
