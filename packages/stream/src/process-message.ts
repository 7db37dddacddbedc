import { context } from '@opentelemetry/api';
import type { Stage } from './classify.ts';
import type { HandlingCpu } from './cpu-account.ts';
import { parkMessage } from './dead-letter.ts';
import { RejectedError } from './errors.ts';
import { DEDUPE_STORE } from './event-state.ts';
import { backOff, checkBreaker, judge, type MessageParts } from './failure.ts';
import { startAttempt, storeFor } from './handler-context.ts';
import type { FetchedRecord } from './kafka/port.ts';
import { lateRecord } from './late.ts';
import type { HopMetrics } from './metrics.ts';
import { decodeValue, type OpenedMessage, openMessage, recordMeta } from './open-message.ts';
import type { Outbox } from './outbox.ts';
import { exceedsLimit } from './record-size.ts';
import { Writes } from './store.ts';
import type { Task } from './task.ts';
import type {
  Handler,
  InputMessage,
  InputSpec,
  InputSpecs,
  OutputSpecs,
  Punctuation,
  ReadonlyTable,
  RecordMeta,
  StoreSpecs,
  TableSpecs,
  WindowSpecs,
} from './types.ts';

export interface Dedupe<I extends InputSpecs> {
  /** The key a duplicate shares with the first copy (request id, impression id…); undefined: never a duplicate. */
  key(message: InputMessage<I>): string | undefined;
  /** How long (stream time) a key is remembered. */
  readonly ttlMs: number;
}

export interface HopParts<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs = TableSpecs,
  W extends WindowSpecs = WindowSpecs,
> extends MessageParts {
  /** Input topic → its name and spec. */
  readonly inputs: ReadonlyMap<string, { readonly name: string; readonly spec: InputSpec<unknown> }>;
  readonly outputs: O;
  /** Every store, the internal de-duplication store included. */
  readonly stores: S;
  readonly tables: ReadonlyMap<string, ReadonlyTable<unknown>>;
  readonly windows: W;
  readonly handler: Handler<I, O, S, T, W>;
  readonly punctuation: Punctuation<O, S>;
  readonly dedupe: Dedupe<I> | undefined;
  /** Where records too late for a window go (the input record, as it was). */
  readonly lateTopic: string | undefined;
  /** `max.message.bytes` of an output topic. */
  limitOf(topic: string): number;
}

export interface ChunkScope {
  readonly topic: string;
  readonly partition: number;
  readonly task: Task;
  readonly writes: Writes;
  readonly outbox: Outbox;
  /** The chunk's handling CPU: paused while a handler waits. */
  readonly cpu: HandlingCpu;
  /** Heartbeats during long retries; throws Abandon when the partition is being revoked. */
  keepAlive(): Promise<void>;
}

/**
 * One message, one trace: decode it, open its `process` span (open-message.ts), run the handler
 * inside it, and add its outputs — or its dead letter — to the chunk's outbox. The span stays
 * open: the chunk ends it once its phase's CPU is known. An output too large for its topic
 * dead-letters the message (it could never be written; retrying would loop forever).
 */
/** A message handled: its process span still open, and its synchronous wall time (ms). */
export interface HandledMessage extends OpenedMessage {
  readonly syncWallMs: number;
}

function done(opened: OpenedMessage, cpu: HandlingCpu): HandledMessage {
  // Field by field, not a spread: one per message, and a spread costs several times a literal.
  const { meta, span, processCtx, event, meter, startedAt } = opened;
  return { meta, span, processCtx, event, meter, startedAt, syncWallMs: cpu.endMessage() };
}

/** A decode that threw: kept to be thrown at the attempt (and the decode retried if it may pass). */
class DecodeFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

function tryDecode(spec: InputSpec<unknown>, message: FetchedRecord, meta: RecordMeta): unknown {
  try {
    return decodeValue(spec, message, meta);
  } catch (error) {
    return new DecodeFailure(error);
  }
}

/** What the handler gets: the record's meta, its value and its input's name (the keys in RecordMeta's order). */
function consumedOf(meta: RecordMeta, value: unknown, input: string): InputMessage<InputSpecs> {
  const { topic, partition, offset, key, headers, timestamp, eventId, traceId } = meta;
  return { topic, partition, offset, key, headers, timestamp, eventId, traceId, value, input };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export async function processMessage<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs,
  W extends WindowSpecs,
>(
  hop: HopParts<I, O, S, T, W> & { readonly metrics: HopMetrics },
  scope: ChunkScope,
  message: FetchedRecord,
): Promise<HandledMessage> {
  const { topic, partition, task } = scope;
  const { cpu } = scope;
  cpu.startMessage();
  const input = hop.inputs.get(topic)!;
  const meta = recordMeta(topic, partition, message);
  let decoded = tryDecode(input.spec, message, meta);
  const traceparent = decoded instanceof DecodeFailure ? undefined : input.spec.traceFrom?.(decoded, meta.headers);
  const opened = openMessage(hop, meta, message, { traceparent, cpuRate: task.cpuRate, schema: input.spec.schema });
  const { span, processCtx, event: eventHolder } = opened;
  task.event?.streamTime.observe(input.name, meta.timestamp, Date.now());
  for (let attempt = 0; ; attempt++) {
    let stage: Stage = 'decode';
    try {
      if (decoded instanceof DecodeFailure) throw decoded.error;
      stage = 'handle';
      const own = new Writes();
      const consumed = consumedOf(opened.meta, decoded, input.name) as InputMessage<I>;
      if (isDuplicate(hop, task, scope.writes, own, consumed)) {
        markDuplicate(hop, span, scope, opened);
        own.mergeInto(scope.writes);
        return done(opened, cpu);
      }
      const savepoints = savepointsOf(task);
      const run = startAttempt<O, S, T, W>({
        outputs: hop.outputs,
        stores: hop.stores,
        state: task.state,
        chunk: scope.writes,
        own,
        event: task.event,
        tables: hop.tables,
        windows: hop.windows,
        span,
        processCtx,
        inputKey: message.key,
        inputTimestamp: meta.timestamp,
        signal: hop.signal,
        eventHolder,
      });
      let returned: Awaited<ReturnType<typeof hop.handler>>;
      try {
        const result = context.with(processCtx, () => hop.handler(consumed, run.ctx));
        if (isThenable(result)) {
          cpu.pause();
          try {
            returned = await result;
          } finally {
            cpu.resume();
          }
        } else returned = result;
      } catch (error) {
        rollbackTo(task, savepoints);
        throw error;
      }
      stage = 'encode';
      const records = run.records((returned ?? undefined) as never);
      if (run.late) {
        hop.metrics.late.add(1, hop.metrics.attributes(topic, partition));
        if (hop.lateTopic) records.push(lateRecord(hop.lateTopic, message, meta, processCtx, eventHolder.id, task));
      }
      for (const r of records) {
        const limit = hop.limitOf(r.topic);
        if (exceedsLimit(r.message, limit)) {
          throw new RejectedError(
            'OUTPUT_TOO_LARGE',
            `an output to ${r.topic} exceeds its max.message.bytes (${limit})`,
          );
        }
      }
      own.mergeInto(scope.writes);
      for (const r of records) scope.outbox.add(r, span);
      task.breaker.success();
      return done(opened, cpu);
    } catch (error) {
      const { verdict, again } = judge(hop, error, stage, attempt);
      if (again) {
        cpu.pause();
        await backOff(hop, attempt, verdict, [span], scope.keepAlive);
        cpu.resume();
        if (stage === 'decode') decoded = tryDecode(input.spec, message, meta);
        continue;
      }
      checkBreaker(hop, task.breaker, verdict, stage, error);
      parkMessage(hop, opened, message, verdict, scope.outbox);
      return done(opened, cpu);
    }
  }
}

/** Seen before (within its TTL, on stream time)? If not, remember it, in the message's own writes. */
function isDuplicate<I extends InputSpecs>(
  hop: Pick<HopParts<I, OutputSpecs, StoreSpecs>, 'dedupe' | 'stores'>,
  task: Task,
  chunk: Writes,
  own: Writes,
  message: InputMessage<I>,
): boolean {
  const key = hop.dedupe?.key(message);
  if (key === undefined) return false;
  const seen = storeFor(DEDUPE_STORE, hop.stores[DEDUPE_STORE]!, { state: task.state, chunk, own, event: task.event });
  if (seen.get(key) !== undefined) return true;
  seen.put(key, 1);
  return false;
}

/** A duplicate is dropped and counted (a metric and a span event), never dead-lettered. */
function markDuplicate(
  hop: { readonly metrics: HopMetrics },
  span: OpenedMessage['span'],
  scope: ChunkScope,
  _opened: OpenedMessage,
): void {
  span.addEvent('adtrace.duplicate');
  span.setAttribute('adtrace.duplicate', true);
  hop.metrics.duplicates.add(1, hop.metrics.attributes(scope.topic, scope.partition));
}

/** The timers' savepoint, then each window's in the task's window order (a task's windows never change). */
function savepointsOf(task: Task): number[] | undefined {
  const event = task.event;
  if (!event) return undefined;
  const savepoints = [event.timers.undo.savepoint()];
  for (const table of event.windows.values()) savepoints.push(table.undo.savepoint());
  return savepoints;
}

/** A failed attempt leaves no trace in the windows and timers (its store writes were its own layer). */
function rollbackTo(task: Task, savepoints: ReturnType<typeof savepointsOf>): void {
  if (!savepoints || !task.event) return;
  let i = 1;
  for (const table of task.event.windows.values()) table.undo.rollbackTo(savepoints[i++] ?? 0);
  task.event.timers.undo.rollbackTo(savepoints[0]!);
}
