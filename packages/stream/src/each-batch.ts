import type { Assignment } from './assignment.ts';
import { classify } from './classify.ts';
import type { StreamConfig } from './config.ts';
import { Abandon } from './control.ts';
import type { DeliveryResult } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import type { BatchPort, FetchedRecord, KafkaPort } from './kafka/port.ts';
import type { HopMetrics } from './metrics.ts';
import type { Task } from './task.ts';
import type { Tasks } from './tasks.ts';
import type { Log } from './types.ts';

/** Where a chunk was read: one partition of one input, in one generation, on its task. */
export interface ChunkPlace {
  readonly topic: string;
  readonly partition: number;
  readonly generation: number;
  readonly task: Task;
  readonly batch: BatchPort;
  /** Handling more messages after this moment (performance.now()) waits for the next chunk. */
  readonly deadline: number;
  /** Heartbeats during long retries; throws Abandon when the partition is being revoked. */
  keepAlive(): Promise<void>;
}

/** How many messages a chunk handled (from the front), and what became of them. */
export interface ChunkOutcome {
  readonly result: DeliveryResult;
  readonly handled: number;
}

/** Handles a chunk and commits it: a hop's handler and outputs (chunk.ts) or a sink's write (sink-chunk.ts). */
export type ChunkRunner = (place: ChunkPlace, messages: readonly FetchedRecord[]) => Promise<ChunkOutcome>;

export interface BatchDeps {
  readonly name: string;
  readonly log: Log;
  readonly config: StreamConfig;
  readonly signal: AbortSignal;
  readonly metrics: HopMetrics;
  readonly assignment: Assignment;
  readonly tasks: Tasks;
  readonly port: KafkaPort;
  /** Exactly-once: compare the group's committed offset with the fetch position once per generation. */
  readonly checkCommitted: boolean;
  readonly runChunk: ChunkRunner;
  /** Input topic → input name. */
  readonly inputs: ReadonlyMap<string, string>;
  seek(topic: string, partition: number, offset: string): void;
  crash(error: HopCrashedError): void;
}

/**
 * The consumer hands over up to maxBytesPerPartition of one partition; it is handled in chunks
 * of at most batchSize messages, each on the partition's task (so partition p of every input is
 * handled serially), written and committed before the next starts: in-flight work is bounded and
 * a slow downstream stops the fetching. While a chunk runs, a timer heartbeats (the consumer
 * only heartbeats between fetches), and a chunk stops taking messages once it has run for a
 * third of the session timeout, so no chunk outlives the session. A stop lets the current chunk finish
 * and commit; a revoked partition or a stale batch stops before the next chunk.
 */
export function eachBatchHandler(deps: BatchDeps): (batch: BatchPort) => Promise<void> {
  return async (batch) => {
    const { topic, partition } = batch;
    const generation = deps.assignment.generation;
    const owned = () => deps.assignment.current(generation, topic, partition);
    const task = deps.tasks.get(partition);
    if (!task) return;
    let revoked = false;
    const keepAlive = async () => {
      try {
        await batch.heartbeat();
      } catch (error) {
        if (classify(error, 'commit').action === 'abandon') {
          revoked = true;
          throw new Abandon('rebalance in progress');
        }
      }
    };
    const beat = setInterval(() => void keepAlive().catch(() => {}), heartbeatEvery(deps.config));
    try {
      let i = 0;
      while (i < batch.messages.length) {
        if (!batch.isRunning() || batch.isStale() || deps.signal.aborted || !owned() || revoked) return;
        const outcome = await task.run(async (): Promise<ChunkOutcome | 'seeked'> => {
          if (!owned()) return { result: 'abandoned', handled: 0 };
          if (await behindCommitted(deps, task, batch, batch.messages[i]!.offset)) return 'seeked';
          const place = {
            topic,
            partition,
            generation,
            task,
            batch,
            keepAlive,
            deadline: deadlineOf(deps.config),
          };
          return deps.runChunk(place, batch.messages.slice(i, i + deps.config.batchSize));
        });
        if (outcome === 'seeked' || outcome.result !== 'committed') {
          deps.log('debug', 'chunk not committed', {
            topic,
            partition,
            outcome: outcome === 'seeked' ? outcome : outcome.result,
          });
          return;
        }
        i += outcome.handled;
        const last = batch.messages[i - 1]!.offset;
        batch.resolveOffset(last);
        deps.metrics.setLag(topic, partition, batch.highWatermark, BigInt(last) + 1n);
        await keepAlive();
      }
      // All of it handled: the input is behind only if the broker had more past it.
      const input = deps.inputs.get(topic);
      if (input !== undefined) task.setBehind(input, batch.behindAfter);
    } catch (error) {
      if (error instanceof Abandon) return;
      deps.crash(error instanceof HopCrashedError ? error : new HopCrashedError(deps.name, 'batch', error));
    } finally {
      clearInterval(beat);
    }
  };
}

/**
 * Exactly-once, first chunk of an input partition in a generation: the task's id is initialized
 * (so no previous owner can still commit), so the group's committed offset is final. If it is
 * past where this fetch started — the consumer resumed from a position read before the previous
 * owner's last transaction committed — those records are done: seek to it instead of redoing them.
 */
async function behindCommitted(deps: BatchDeps, task: Task, batch: BatchPort, firstOffset: string): Promise<boolean> {
  if (!deps.checkCommitted || task.checked.has(batch.topic)) return false;
  const committed = await deps.port.admin((admin) => admin.committed(deps.name, batch.topic));
  task.checked.add(batch.topic);
  const offset = committed.get(batch.partition)?.offset;
  if (offset === undefined || BigInt(offset) <= BigInt(firstOffset)) return false;
  deps.seek(batch.topic, batch.partition, offset);
  return true;
}

/** A third of the session timeout: handling stops taking messages well before the session expires. */
function deadlineOf(config: StreamConfig): number {
  return performance.now() + config.sessionTimeoutMs / 3;
}

function heartbeatEvery(config: StreamConfig): number {
  return Math.max(500, Math.floor(config.sessionTimeoutMs / 10));
}
