import { CpuPhase } from './cpu-account.ts';
import type { DeliveryResult } from './delivery.ts';
import type { ChunkOutcome, ChunkPlace } from './each-batch.ts';
import type { FetchedRecord } from './kafka/port.ts';
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
  messages: readonly FetchedRecord[],
): Promise<ChunkOutcome> {
  const started = performance.now();
  const { topic, partition, generation } = place;
  const outbox = new Outbox();
  const spans = new OpenSpans();
  const phase = new CpuPhase();
  let result: DeliveryResult;
  let written = 0;
  try {
    const pending: Pending<In>[] = [];
    for (const message of messages) {
      const decoded = await decodeRecord(deps, place, message, outbox, spans);
      if (decoded) pending.push(decoded);
    }
    written = await writeRecords(deps, place, pending, outbox, spans);
    const records = outbox.seal(deps.tracer);
    const nextOffset = String(BigInt(messages[messages.length - 1]!.offset) + 1n);
    try {
      const target = { topic, partition, nextOffset, generation, batch: place.batch };
      result = await deps.delivery.deliver(records, target);
    } catch (error) {
      outbox.settle(error);
      throw error;
    }
    outbox.settle(result === 'abandoned' ? new Error('not written: partition revoked or sink stopping') : undefined);
  } catch (error) {
    spans.endAll(error);
    throw error;
  }
  spans.finish(phase.end().cpuMicros);
  if (result !== 'committed') return { result, handled: messages.length };
  deps.metrics.chunkCommitted(
    topic,
    partition,
    messages.map(() => ({ startedAt: started })),
    outbox,
  );
  if (written > 0) deps.metrics.written.add(written, deps.metrics.attributes(topic, partition));
  return { result, handled: messages.length };
}
