import type { RuntimeParts } from './boot.ts';
import { CpuPhase, chargeExcess, HandlingCpu } from './cpu-account.ts';
import type { DeliveryResult } from './delivery.ts';
import type { ChunkOutcome, ChunkPlace } from './each-batch.ts';
import type { FetchedRecord } from './kafka/port.ts';
import type { OpenedMessage } from './open-message.ts';
import { Outbox } from './outbox.ts';
import { type HandledMessage, type HopParts, processMessage } from './process-message.ts';
import { applyCommitted, changelogRecords, punctuate } from './punctuate.ts';
import { Attr, failSpan } from './spans.ts';
import { Writes } from './store.ts';
import type { InputSpecs, OutputSpecs, StoreSpecs, TableSpecs, WindowSpecs } from './types.ts';

export type ChunkDeps<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs = TableSpecs,
  W extends WindowSpecs = WindowSpecs,
> = HopParts<I, O, S, T, W> & RuntimeParts;

/**
 * A bounded slice of a fetched batch: handle messages (until the slice ends or its deadline
 * passes), then write everything they produced in one request or transaction and commit their
 * offsets. The store writes become visible to later chunks only once Kafka has them.
 *
 * Cost (cpu-account.ts): the chunk's handling is measured over its synchronous segments (what
 * other partitions do while an async handler waits is not its CPU) and apportioned among its
 * messages by their synchronous wall time; a process span gets its message's share, less what
 * its handler's own spans were charged (their self wall time × the task's rate, CPU per wall µs
 * of its recent messages, waits included). The deliver phase's CPU (seal,
 * produce, commit) is split evenly over the chunk's process spans — its messages' outputs and dead
 * letters have no spans of their own (outbox.ts) — and the send spans of its window and timer
 * outputs, if any.
 */
export async function runChunk<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs,
  W extends WindowSpecs,
>(deps: ChunkDeps<I, O, S, T, W>, place: ChunkPlace, messages: readonly FetchedRecord[]): Promise<ChunkOutcome> {
  const { topic, partition, generation, task } = place;
  const writes = new Writes();
  const outbox = new Outbox();
  const cpu = new HandlingCpu();
  const scope = { topic, partition, task, writes, outbox, cpu, keepAlive: place.keepAlive };
  const opened: HandledMessage[] = [];
  const walls: number[] = [];
  task.event?.begin();
  try {
    for (const message of messages) {
      if (opened.length > 0 && performance.now() > place.deadline) break;
      const at = performance.now();
      // A promise only when the message waited (an async handler, a retry): no await per message otherwise.
      const handled = processMessage(deps, scope, message);
      opened.push(handled instanceof Promise ? await handled : handled);
      walls.push(performance.now() - at);
    }
    punctuate(deps, task, writes, outbox);
  } catch (error) {
    task.event?.rollback(task.state.stores);
    for (const o of opened) endProcessSpan(o, 0, undefined, error);
    throw error;
  }
  const handledCpu = cpu.end();
  const handledWall = Math.max(1, walls.reduce((n, w) => n + w, 0) * 1000);
  // One handler runs at a time on a task: its spans cannot use more than one CPU µs per wall µs.
  task.cpuRate = Math.min(1, handledCpu / handledWall);
  const syncTotal = opened.reduce((n, o) => n + o.syncWallMs, 0);
  changelogRecords(deps.name, task, writes, outbox);
  const delivering = new CpuPhase();
  const records = outbox.seal(deps.tracer);
  const nextOffset = String(BigInt(messages[opened.length - 1]!.offset) + 1n);
  const spansOfHandling = opened.map((o) => {
    const own = syncTotal > 0 ? (handledCpu * o.syncWallMs) / syncTotal : handledCpu / opened.length;
    // Handler spans charged beyond the message's share: the excess enters the ledger.
    chargeExcess(o.meter.chargedUs - own);
    return Math.max(0, own - o.meter.chargedUs);
  });
  let result: DeliveryResult;
  try {
    const metadata = task.event?.streamTime.serialize();
    const target = {
      topic,
      partition,
      nextOffset,
      generation,
      metadata,
      batch: place.batch,
    };
    result = await deps.delivery.deliver(records, target);
  } catch (error) {
    task.event?.rollback(task.state.stores);
    outbox.settle(error);
    for (const [i, o] of opened.entries()) endProcessSpan(o, spansOfHandling[i]!);
    throw error;
  }
  const deliverShare = delivering.end().cpuMicros / (opened.length + outbox.spanCount);
  outbox.settle(
    result === 'abandoned' ? new Error('not written: partition revoked or hop stopping') : undefined,
    deliverShare,
  );
  for (const [i, o] of opened.entries()) endProcessSpan(o, spansOfHandling[i]! + deliverShare, walls[i]);
  if (result !== 'committed') {
    task.event?.rollback(task.state.stores);
    return { result, handled: opened.length };
  }
  applyCommitted(task, writes, deps.stores);
  task.positions.set(topic, nextOffset);
  deps.metrics.chunkCommitted(topic, partition, opened, outbox);
  return { result, handled: opened.length };
}

/** Ends a process span at the end of its own handling (not the chunk's), charged `cpuMicros`. */
function endProcessSpan(opened: OpenedMessage, cpuMicros: number, wallMs?: number, error?: unknown): void {
  if (error !== undefined) failSpan(opened.span, error);
  opened.span.setAttribute(Attr.cpuMicros, Math.round(cpuMicros));
  opened.span.end(wallMs === undefined ? undefined : opened.startedAt + wallMs);
}
