import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { optOutOfConsumerInstrumentation, runSuppressed } from './suppress.ts';
import type { Log } from './types.ts';

export interface RestoreRequest {
  readonly group: string;
  readonly topics: readonly string[];
  readonly partitions: readonly number[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Log;
  onRecord(topic: string, partition: number, key: string, value: Buffer | null): void;
}

/**
 * Reads changelog partitions from the beginning to their end offset as of now. kafkajs has no
 * manual assignment, so a throwaway group (never committing) subscribes to the changelogs and
 * pauses the partitions it does not need. Progress comes from END_BATCH_PROCESS, which kafkajs
 * also emits for batches that held only transaction markers or aborted records, so an end offset
 * behind a commit marker is still reached.
 */
export async function restorePartitions(kafka: Kafka, request: RestoreRequest): Promise<void> {
  const wanted = new Set(request.partitions);
  const pending = new Map<string, bigint>();
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of request.topics) {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
        if (wanted.has(partition) && BigInt(high) > BigInt(low)) pending.set(`${topic}/${partition}`, BigInt(high));
      }
    }
  } finally {
    await admin.disconnect();
  }
  if (pending.size === 0) return;
  const started = Date.now();
  const groupId = `${request.group}.restore.${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 4 << 20, maxWaitTimeInMs: 250 });
  optOutOfConsumerInstrumentation(consumer);
  let finish = () => {};
  let failure: unknown;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    const id = `${payload.topic}/${payload.partition}`;
    const end = pending.get(id);
    if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(id);
    if (pending.size === 0) finish();
  });
  const timer = setTimeout(finish, request.timeoutMs);
  request.signal.addEventListener('abort', finish, { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...request.topics], fromBeginning: true });
    await runSuppressed(() =>
      consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch, pause }) => {
          if (!wanted.has(batch.partition)) return void pause();
          try {
            for (const m of batch.messages) {
              if (m.key) request.onRecord(batch.topic, batch.partition, m.key.toString('utf8'), m.value);
            }
          } catch (e) {
            // A changelog value the store codec refuses: restoring less would corrupt state.
            failure ??= e;
            finish();
          }
        },
      }),
    );
    await done;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => {});
  }
  if (failure !== undefined) throw failure;
  if (pending.size > 0 && !request.signal.aborted) {
    throw new Error(`restore of ${[...pending.keys()].join(', ')} did not finish within ${request.timeoutMs} ms`);
  }
  request.log('info', 'stores restored', { partitions: request.partitions, ms: Date.now() - started });
}
