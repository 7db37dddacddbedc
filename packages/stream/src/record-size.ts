import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import type { OutMessage } from './kafka/port.ts';

/** Record framing (varint lengths, attributes, offset/timestamp deltas) on top of the payload, generously. */
const RECORD_OVERHEAD = 64;
/** A record batch's own header, for a batch of one. */
const BATCH_OVERHEAD = 61;

/** What one record adds to a record batch, uncompressed: payload plus framing. */
export function approximateRecordBytes(message: OutMessage): number {
  return recordBytes(kafkaMessageBytes(message));
}

/** What a record of `payload` bytes (kafkaMessageBytes: key, value, headers) adds to a record batch. */
export function recordBytes(payload: number): number {
  return payload + RECORD_OVERHEAD;
}

/** Whether a record of `payload` bytes (kafkaMessageBytes) could never be written to a topic whose `max.message.bytes` is `limit`. */
export function exceedsLimit(payload: number, limit: number): boolean {
  return recordBytes(payload) + BATCH_OVERHEAD > limit;
}
