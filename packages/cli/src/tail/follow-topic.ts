import { randomUUID } from 'node:crypto';
import { behindAfter } from '@adtrace/stream';
import type { Kafka } from 'kafkajs';
import type { TailRecord } from './tail-line.ts';

export interface FollowOptions {
  readonly topic: string;
  /** Start at each partition's earliest offset; else at its end as of the start (only new records). */
  readonly fromBeginning: boolean;
  /** Stop after this many records. */
  readonly max?: number;
  /** Aborting stops the follow cleanly (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Called once the start offsets are fixed: every record produced from now on will be seen. */
  onReady?(partitions: number, groupId: string): void;
  onRecord(record: TailRecord): void;
  /**
   * Every fetch, before its records are delivered: per partition, whether records of it are
   * still to come — fetched, more on the broker, or an open transaction's (see the stream
   * runtime's `behindAfter`).
   */
  onFetch?(partitions: readonly { partition: number; pending: boolean }[]): void;
}

/**
 * Follows one topic under a throwaway consumer group. The group's offsets are set before the
 * consumer joins (earliest, or the end as of now), so "from the end" is a fixed point rather than
 * whatever the offset reset finds when the first fetch happens; nothing is committed after, and
 * the group is deleted on the way out. Resolves with the number of records delivered.
 */
export async function followTopic(kafka: Kafka, options: FollowOptions): Promise<number> {
  const { topic, signal } = options;
  const admin = kafka.admin();
  try {
    await admin.connect();
  } catch (err) {
    // Half connected (a broker starting) still holds a socket: it would keep the process alive.
    await admin.disconnect().catch(() => {});
    throw err;
  }
  const groupId = `adtrace-tail-${randomUUID().slice(0, 8)}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let delivered = 0;
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [] });
    if (!topics.some((t) => t.name === topic))
      throw new Error(`no topic ${topic} on the broker (adtrace topics lists them)`);
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.setOffsets({
      groupId,
      topic,
      partitions: offsets.map((p) => ({ partition: p.partition, offset: options.fromBeginning ? p.low : p.high })),
    });
    if (signal.aborted) return 0;
    options.onReady?.(offsets.length, groupId);
    if (options.max === 0) return 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
    await new Promise<void>((resolve, reject) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      consumer
        .run({
          autoCommit: false,
          ...(options.onFetch && {
            onFetch: (batches) =>
              options.onFetch!(
                batches.map((b) => ({ partition: b.partition, pending: !b.isEmpty() || behindAfter(b) })),
              ),
          }),
          eachMessage: async ({ partition, message }) => {
            if (signal.aborted || (options.max !== undefined && delivered >= options.max)) return;
            delivered += 1;
            options.onRecord({ topic, partition, ...message });
            if (options.max !== undefined && delivered >= options.max) resolve();
          },
        })
        .catch(reject);
      // kafkajs restarts the consumer after a retriable crash; only a final one ends the tail.
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) reject(e.payload.error);
      });
    });
    return delivered;
  } finally {
    await consumer.disconnect().catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
