import type { Tracer } from '@opentelemetry/api';
import type { Assignment } from './assignment.ts';
import type { Delivery } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import { Outbox } from './outbox.ts';
import { applyCommitted, changelogRecords, type PunctuationParts, punctuate } from './punctuate.ts';
import { Writes } from './store.ts';
import type { Task } from './task.ts';
import type { OutputSpecs, StoreSpecs } from './types.ts';

export interface TickParts<O extends OutputSpecs, S extends StoreSpecs> extends PunctuationParts<O, S> {
  readonly tracer: Tracer;
  readonly delivery: Delivery;
  readonly assignment: Assignment;
  crash(error: HopCrashedError): void;
}

/**
 * The idle policy at work: a task whose inputs have been quiet for the idle time has its stream
 * time advanced with the wall clock (stream-time.ts), so its windows close and its timers fire
 * without new input. Runs on the task's queue like a chunk with no messages, in one transaction
 * with the window and timer changes and their outputs; the stream time is committed with the
 * offsets the task already had (the metadata moves, the offsets do not).
 */
export async function tick<O extends OutputSpecs, S extends StoreSpecs>(
  parts: TickParts<O, S>,
  task: Task,
): Promise<void> {
  const event = task.event;
  const [position] = task.positions;
  if (!event || !position || task.generation !== parts.assignment.generation) return;
  const [topic, nextOffset] = position;
  const before = event.streamTime.current();
  if (event.streamTime.tick(Date.now()) === before) return;
  // After the tick: a failed commit rolls windows and timers back, and the next tick or chunk
  // closes them again from the stream time the tick reached.
  event.begin();
  const writes = new Writes();
  const outbox = new Outbox();
  try {
    punctuate(parts, task, writes, outbox);
    changelogRecords(parts.name, task, writes, outbox);
    const records = outbox.seal(parts.tracer);
    const metadata = event.streamTime.serialize();
    const target = { topic, partition: task.partition, nextOffset, generation: task.generation, metadata };
    const result = await parts.delivery.deliver(records, target);
    outbox.settle(result === 'committed' ? undefined : new Error('idle tick not committed'));
    if (result === 'committed') applyCommitted(task, writes, parts.stores);
    else event.rollback(task.state.stores);
  } catch (error) {
    event.rollback(task.state.stores);
    outbox.settle(error);
    if (error instanceof HopCrashedError) parts.crash(error);
  }
}
