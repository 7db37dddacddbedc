import type { KafkaMessage } from 'kafkajs';
import type { RuntimeParts } from './boot.ts';
import { changelogTopic } from './changelog.ts';
import type { DeliveryResult } from './delivery.ts';
import type { ChunkPlace } from './each-batch.ts';
import { Outbox } from './outbox.ts';
import { type HopParts, processMessage } from './process-message.ts';
import { Writes } from './store.ts';
import type { OutputSpecs, StoreSpecs } from './types.ts';

export type ChunkDeps<In, O extends OutputSpecs, S extends StoreSpecs> = HopParts<In, O, S> & RuntimeParts;

/**
 * A bounded slice of a fetched batch: handle every message, then write everything the slice
 * produced in one request or transaction and commit its offsets. The store writes become
 * visible to later chunks only once Kafka has them.
 */
export async function runChunk<In, O extends OutputSpecs, S extends StoreSpecs>(
  deps: ChunkDeps<In, O, S>,
  place: ChunkPlace,
  messages: readonly KafkaMessage[],
): Promise<DeliveryResult> {
  const started = performance.now();
  const { topic, partition, generation, state } = place;
  const writes = new Writes();
  const outbox = new Outbox();
  const scope = { topic, partition, state, writes, outbox, keepAlive: place.keepAlive };
  for (const message of messages) await processMessage(deps, scope, message);
  for (const { store, key, bytes } of writes.changelog()) {
    const message = { key, value: bytes, partition, headers: {} };
    outbox.add({ kind: 'changelog', topic: changelogTopic(deps.name, store), message });
  }
  const records = outbox.seal(deps.tracer, deps.clientId);
  const nextOffset = String(BigInt(messages[messages.length - 1]!.offset) + 1n);
  let result: DeliveryResult;
  try {
    result = await deps.delivery.deliver(records, { topic, partition, nextOffset, generation, commit: place.commit });
  } catch (error) {
    outbox.settle(error);
    throw error;
  }
  outbox.settle(result === 'abandoned' ? new Error('not written: partition revoked or hop stopping') : undefined);
  if (result !== 'committed') return result;
  writes.applyTo(state);
  const attributes = deps.metrics.attributes(topic, partition);
  deps.metrics.consumed.add(messages.length, attributes);
  deps.metrics.produced.add(outbox.count('output'), attributes);
  const dead = outbox.count('dead-letter');
  if (dead > 0) deps.metrics.deadLettered.add(dead, attributes);
  const ms = performance.now() - started;
  for (let i = 0; i < messages.length; i++) deps.metrics.latency.record(ms, attributes);
  return result;
}
