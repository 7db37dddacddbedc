import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { optOutOfConsumerInstrumentation, runSuppressed } from './suppress.ts';
import type { Log } from './types.ts';

export interface GlobalTableOptions<V> {
  /** A compacted topic (campaigns, segments): every partition is read, from the beginning. */
  readonly topic: string;
  readonly decode: (bytes: Buffer, key: string) => V;
  /** Prefix of the throwaway consumer group, e.g. the hop's name. */
  readonly group: string;
  readonly log: Log;
  /** `caughtUp` rejects if not caught up within this time (default: it waits). */
  readonly catchUpTimeoutMs?: number;
  /** The table stopped reading (kafkajs gave up): its contents would go stale. */
  readonly onError?: (error: unknown) => void;
}

export interface GlobalTable<V> {
  /** Resolves once every record below the end offsets seen at start-up has been applied. */
  readonly caughtUp: Promise<void>;
  get(key: string): V | undefined;
  readonly size: number;
  /** Records whose value `decode` refused: logged and skipped (the key keeps its last good value). */
  readonly decodeFailures: number;
  close(): Promise<void>;
}

/**
 * A compacted topic read in full by every instance into a local read-only map, kept current
 * while running: key → decoded value; a tombstone deletes; a record without a key is ignored.
 *
 * Catch-up: the end offsets of every partition are read first; `caughtUp` resolves once each
 * partition has been consumed up to them (at once when the topic is empty). Progress comes
 * from END_BATCH_PROCESS, as in restore.ts: kafkajs also emits it for batches holding only
 * transaction markers or aborted records, so an end offset behind a marker is still reached.
 * Reads are read-committed; an end offset inside a transaction still open waits for it to end.
 *
 * Like restore.ts, the consumer is in a throwaway group (random id, never committing), opted
 * out of the kafkajs instrumentation and run with tracing suppressed: reading reference data
 * is no event's work and starts no trace.
 */
export function openGlobalTable<V>(kafka: Kafka, options: GlobalTableOptions<V>): GlobalTable<V> {
  const values = new Map<string, V>();
  const pending = new Map<number, bigint>();
  let decodeFailures = 0;
  let consumer: Consumer | undefined;
  let closed = false;
  let caught = false;
  let resolveCaughtUp = () => {};
  let rejectCaughtUp = (_e: unknown) => {};
  const caughtUp = new Promise<void>((resolve, reject) => {
    resolveCaughtUp = () => {
      caught = true;
      clearTimeout(timer);
      resolve();
    };
    rejectCaughtUp = reject;
  });
  caughtUp.catch(() => {}); // a caller that never awaits it must not crash the process
  const timer =
    options.catchUpTimeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          const left = [...pending.keys()].join(', ');
          rejectCaughtUp(
            new Error(
              `global table ${options.topic} not caught up within ${options.catchUpTimeoutMs} ms (partitions ${left})`,
            ),
          );
        }, options.catchUpTimeoutMs);
  const fail = (error: unknown) => {
    if (closed) return;
    options.log('error', 'global table stopped reading', { topic: options.topic, error });
    rejectCaughtUp(error);
    options.onError?.(error);
  };

  const apply = (partition: number, offset: string, key: Buffer | null, value: Buffer | null) => {
    if (!key) return;
    const k = key.toString('utf8');
    if (value === null) return void values.delete(k);
    try {
      values.set(k, options.decode(value, k));
    } catch (error) {
      decodeFailures += 1;
      options.log('warn', 'global table record not decoded, skipped', {
        topic: options.topic,
        partition,
        offset,
        key: k,
        error,
      });
    }
  };

  const start = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const { partition, high, low } of await admin.fetchTopicOffsets(options.topic)) {
        if (BigInt(high) > BigInt(low)) pending.set(partition, BigInt(high));
      }
    } finally {
      await admin.disconnect();
    }
    if (pending.size === 0) resolveCaughtUp();
    if (closed) return;
    const c = kafka.consumer({
      groupId: `${options.group}.global.${randomUUID().slice(0, 8)}`,
      maxBytesPerPartition: 4 << 20,
      maxWaitTimeInMs: 250,
    });
    consumer = c;
    optOutOfConsumerInstrumentation(c);
    c.on(c.events.END_BATCH_PROCESS, ({ payload }) => {
      const end = pending.get(payload.partition);
      if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
      if (pending.size === 0 && !caught) resolveCaughtUp();
    });
    c.on(c.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    await c.connect();
    await c.subscribe({ topics: [options.topic], fromBeginning: true });
    await runSuppressed(() =>
      c.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) apply(batch.partition, m.offset, m.key, m.value);
        },
      }),
    );
  };
  const started = start().catch(fail);

  return {
    caughtUp,
    get: (key) => values.get(key),
    get size() {
      return values.size;
    },
    get decodeFailures() {
      return decodeFailures;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      await started;
      await consumer?.disconnect().catch(() => {});
      if (!caught) rejectCaughtUp(new Error(`global table ${options.topic} closed before it caught up`));
    },
  };
}
