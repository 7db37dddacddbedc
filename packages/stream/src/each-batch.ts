import type { EachBatchPayload, KafkaMessage, Offsets } from 'kafkajs';
import type { Assignment } from './assignment.ts';
import { classify } from './classify.ts';
import type { StreamConfig } from './config.ts';
import { Abandon } from './control.ts';
import type { DeliveryResult } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import type { HopMetrics } from './metrics.ts';
import { PartitionState } from './store.ts';
import type { StoreRegistry } from './store-registry.ts';

/** Where a chunk was read: one partition, in one assignment generation, with its restored stores. */
export interface ChunkPlace {
  readonly topic: string;
  readonly partition: number;
  readonly generation: number;
  readonly state: PartitionState;
  /** Heartbeats during long retries; throws Abandon when the partition is being revoked. */
  keepAlive(): Promise<void>;
  commit(offsets: Offsets): Promise<void>;
}

/** Handles a chunk and commits it: a hop's handler and outputs (chunk.ts) or a sink's write (sink-chunk.ts). */
export type ChunkRunner = (place: ChunkPlace, messages: readonly KafkaMessage[]) => Promise<DeliveryResult>;

export interface BatchDeps {
  readonly name: string;
  readonly config: StreamConfig;
  readonly signal: AbortSignal;
  readonly metrics: HopMetrics;
  readonly assignment: Assignment;
  readonly registry: StoreRegistry;
  readonly runChunk: ChunkRunner;
  crash(error: HopCrashedError): void;
}

/**
 * kafkajs hands over up to maxBytesPerPartition of one partition; it is handled in chunks of
 * batchSize, each written and committed before the next starts, so in-flight work is bounded and
 * a slow downstream stops the fetching. A stop lets the current chunk finish and commit; a
 * revoked partition or a stale batch stops before the next chunk.
 */
export function eachBatchHandler(deps: BatchDeps): (payload: EachBatchPayload) => Promise<void> {
  return async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
    const { topic, partition } = batch;
    const generation = deps.assignment.generation;
    const owned = () => deps.assignment.current(generation, topic, partition);
    const keepAlive = async () => {
      try {
        await heartbeat();
      } catch (error) {
        if (classify(error, 'commit').action === 'abandon') throw new Abandon('rebalance in progress');
      }
    };
    try {
      const state = deps.registry.enabled
        ? await whileHeartbeating(deps.registry.ready(partition), keepAlive)
        : new PartitionState();
      const size = deps.config.batchSize;
      for (let i = 0; i < batch.messages.length; i += size) {
        if (!isRunning() || isStale() || deps.signal.aborted || !owned()) return;
        const chunk = batch.messages.slice(i, i + size);
        const place = { topic, partition, generation, state, keepAlive, commit: commitOffsetsIfNecessary };
        const result = await deps.runChunk(place, chunk);
        if (result !== 'committed') return;
        const last = chunk[chunk.length - 1]!.offset;
        resolveOffset(last);
        deps.metrics.setLag(topic, partition, batch.highWatermark, BigInt(last) + 1n);
        await keepAlive();
      }
    } catch (error) {
      if (error instanceof Abandon) return;
      deps.crash(error instanceof HopCrashedError ? error : new HopCrashedError(deps.name, 'batch', error));
    }
  };
}

/** A restore can outlast the session timeout; kafkajs only heartbeats when asked to. */
async function whileHeartbeating<T>(work: Promise<T>, keepAlive: () => Promise<void>): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled.catch(() => {}), new Promise((r) => (timer = setTimeout(r, 1000)))]);
    clearTimeout(timer);
    if (!done) await keepAlive();
  }
  return settled;
}
