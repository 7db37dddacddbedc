import type { KafkaMessage } from 'kafkajs';
import type { DeliveryResult } from './delivery.ts';
import type { ChunkPlace } from './each-batch.ts';
import { Outbox } from './outbox.ts';
import { decodeRecord, OpenSpans, type Pending, type SinkParts } from './sink-record.ts';
import { writeRecords } from './sink-write.ts';

/**
 * A sink's chunk: decode every record (what does not decode is parked), write the rest in one
 * bulk write (sink-write.ts), then produce the chunk's dead letters and commit its offsets.
 */
export async function runSinkChunk<In>(
  deps: SinkParts<In>,
  place: ChunkPlace,
  messages: readonly KafkaMessage[],
): Promise<DeliveryResult> {
  const started = performance.now();
  const { topic, partition, generation } = place;
  const outbox = new Outbox();
  const spans = new OpenSpans();
  let result: DeliveryResult;
  let written = 0;
  try {
    const pending: Pending<In>[] = [];
    for (const message of messages) {
      const decoded = await decodeRecord(deps, place, message, outbox, spans);
      if (decoded) pending.push(decoded);
    }
    written = await writeRecords(deps, place, pending, outbox, spans);
    const records = outbox.seal(deps.tracer, deps.clientId);
    const nextOffset = String(BigInt(messages[messages.length - 1]!.offset) + 1n);
    try {
      result = await deps.delivery.deliver(records, { topic, partition, nextOffset, generation, commit: place.commit });
    } catch (error) {
      outbox.settle(error);
      throw error;
    }
    outbox.settle(result === 'abandoned' ? new Error('not written: partition revoked or sink stopping') : undefined);
  } catch (error) {
    spans.endAll(error);
    throw error;
  }
  if (result !== 'committed') return result;
  const attributes = deps.metrics.attributes(topic, partition);
  deps.metrics.consumed.add(messages.length, attributes);
  if (written > 0) deps.metrics.written.add(written, attributes);
  const dead = outbox.count('dead-letter');
  if (dead > 0) deps.metrics.deadLettered.add(dead, attributes);
  const ms = performance.now() - started;
  for (let i = 0; i < messages.length; i++) deps.metrics.latency.record(ms, attributes);
  return result;
}
