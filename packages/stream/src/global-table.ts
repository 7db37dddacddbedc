import type { KafkaPort, ReaderPort } from './kafka/port.ts';
import type { Log } from './types.ts';

export interface GlobalTableOptions<V> {
  /** A compacted topic (campaigns, segments): every partition is read, from the beginning. */
  readonly topic: string;
  readonly decode: (bytes: Buffer, key: string) => V;
  readonly log: Log;
  /** `caughtUp` rejects if not caught up within this time (default: it waits). */
  readonly catchUpTimeoutMs?: number;
  /** The table stopped reading (the client gave up): its contents would go stale. */
  readonly onError?: (error: unknown) => void;
}

export interface GlobalTable<V> {
  /** Resolves once every record below the end offsets seen at start-up has been applied. */
  readonly caughtUp: Promise<void>;
  get(key: string): V | undefined;
  /** Every key and value held now (a one-shot job reads the whole table once caught up). */
  entries(): IterableIterator<[string, V]>;
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
 * partition has been consumed up to them (at once when the topic is empty). Progress comes from
 * the port reader's `onProgress`, which also reports batches holding only transaction markers or
 * aborted records, so an end offset behind a marker is still reached. Reads are read-committed;
 * an end offset inside a transaction still open waits for it to end.
 *
 * Like restore.ts, it reads through the port's reader (no group commits, no instrumentation,
 * tracing suppressed): reading reference data is no event's work and starts no trace.
 */
export function openGlobalTable<V>(port: KafkaPort, options: GlobalTableOptions<V>): GlobalTable<V> {
  const values = new Map<string, V>();
  const pending = new Map<number, bigint>();
  let decodeFailures = 0;
  let reader: ReaderPort | undefined;
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
    await port.admin(async (admin) => {
      for (const { partition, high, low } of await admin.endOffsets(options.topic)) {
        if (BigInt(high) > BigInt(low)) pending.set(partition, BigInt(high));
      }
    });
    if (pending.size === 0) resolveCaughtUp();
    if (closed) return;
    reader = port.reader({
      topics: [options.topic],
      onBatch: (_topic, partition, records) => {
        for (const m of records) apply(partition, m.offset, m.key, m.value);
      },
      onProgress: (_topic, partition, lastOffset) => {
        const end = pending.get(partition);
        if (end !== undefined && BigInt(lastOffset) + 1n >= end) pending.delete(partition);
        if (pending.size === 0 && !caught) resolveCaughtUp();
      },
      onCrash: fail,
    });
    await reader.start();
  };
  const started = start().catch(fail);

  return {
    caughtUp,
    get: (key) => values.get(key),
    entries: () => values.entries(),
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
      await reader?.close().catch(() => {});
      if (!caught) rejectCaughtUp(new Error(`global table ${options.topic} closed before it caught up`));
    },
  };
}
