import { DeadLetterHeaders, findHeader, Headers } from '@adtrace/stream';
import type { DeadLetterRow } from '@adtrace/warehouse';
import type { KafkaMessage } from 'kafkajs';

const int = (s: string | undefined): number | null => {
  const n = s === undefined ? Number.NaN : Number(s);
  return Number.isFinite(n) ? Math.trunc(n) : null;
};
const offset = (s: string | undefined): string | null => (s !== undefined && /^\d+$/.test(s) ? s : null);

/**
 * A dead letter as the runtime writes it (original key, value and headers plus the
 * DeadLetterHeaders of @adtrace/stream) → a row. Headers it does not carry stay null: a dead
 * letter written by someone else is still loaded.
 */
export function deadLetterRow(message: KafkaMessage, partition: number): DeadLetterRow {
  const h = (name: string) => findHeader(message.headers, name);
  const headers: Record<string, string> = {};
  for (const name of Object.keys(message.headers ?? {})) headers[name] = h(name) ?? '';
  return {
    dlqPartition: partition,
    dlqOffset: message.offset,
    originalTopic: h(DeadLetterHeaders.originalTopic) ?? null,
    originalPartition: int(h(DeadLetterHeaders.originalPartition)),
    originalOffset: offset(h(DeadLetterHeaders.originalOffset)),
    originalTimestampMs: int(h(DeadLetterHeaders.originalTimestamp)),
    deadLetteredAtMs: int(h(DeadLetterHeaders.deadLetteredAt)) ?? int(message.timestamp),
    reason: h(DeadLetterHeaders.reason) ?? null,
    code: h(DeadLetterHeaders.code) ?? null,
    errorClass: h(DeadLetterHeaders.errorClass) ?? null,
    stage: h(DeadLetterHeaders.stage) ?? null,
    eventId: h(Headers.eventId) ?? null,
    traceparent: h(DeadLetterHeaders.originalTraceparent) ?? h(Headers.traceparent) ?? null,
    key: message.key ?? null,
    value: message.value ?? null,
    headersJson: JSON.stringify(headers),
  };
}
