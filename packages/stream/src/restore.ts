import type { KafkaPort } from './kafka/port.ts';
import type { Log } from './types.ts';

export interface RestoreRequest {
  readonly topics: readonly string[];
  readonly partitions: readonly number[];
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly log: Log;
  onRecord(topic: string, partition: number, key: string, value: Buffer | null): void;
}

/**
 * Reads changelog partitions from the beginning to their end offset as of now (read committed:
 * only what committed transactions wrote). Called after the task's transactional id was
 * initialized, so no transaction of a previous owner can still add to them.
 */
export async function restorePartitions(port: KafkaPort, request: RestoreRequest): Promise<void> {
  const wanted = new Set(request.partitions);
  const pending = new Map<string, bigint>();
  await port.admin(async (admin) => {
    for (const topic of request.topics) {
      for (const { partition, high, low } of await admin.endOffsets(topic)) {
        if (wanted.has(partition) && BigInt(high) > BigInt(low)) pending.set(`${topic}/${partition}`, BigInt(high));
      }
    }
  });
  if (pending.size === 0) return;
  const started = Date.now();
  let finish = () => {};
  let failure: unknown;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const reader = port.reader({
    topics: request.topics,
    partitions: wanted,
    onBatch(topic, partition, records) {
      try {
        for (const m of records) if (m.key) request.onRecord(topic, partition, m.key.toString('utf8'), m.value);
      } catch (e) {
        // A changelog value the store codec refuses: restoring less would corrupt state.
        failure ??= e;
        finish();
      }
    },
    onProgress(topic, partition, lastOffset) {
      const id = `${topic}/${partition}`;
      const end = pending.get(id);
      if (end !== undefined && BigInt(lastOffset) + 1n >= end) pending.delete(id);
      if (pending.size === 0) finish();
    },
  });
  const timer = setTimeout(finish, request.timeoutMs);
  request.signal.addEventListener('abort', finish, { once: true });
  try {
    await reader.start();
    await done;
  } finally {
    clearTimeout(timer);
    await reader.close().catch(() => {});
  }
  if (failure !== undefined) throw failure;
  if (pending.size > 0 && !request.signal.aborted) {
    throw new Error(`restore of ${[...pending.keys()].join(', ')} did not finish within ${request.timeoutMs} ms`);
  }
  request.log('info', 'stores restored', { partitions: request.partitions, ms: Date.now() - started });
}
