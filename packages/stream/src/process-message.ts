import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { context } from '@opentelemetry/api';
import { findTraceparent } from './carrier.ts';
import type { Stage, Verdict } from './classify.ts';
import type { HandlingCpu } from './cpu-account.ts';
import { parkMessage } from './dead-letter.ts';
import { RejectedError } from './errors.ts';
import { DEDUPE_STORE } from './event-state.ts';
import { backOff, checkBreaker, judge, type MessageParts } from './failure.ts';
import { type Attempt, startAttempt, storeFor } from './handler-context.ts';
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
  HandlerContext,
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

type AnyHop = HopParts<InputSpecs, OutputSpecs, StoreSpecs, TableSpecs, WindowSpecs> & { readonly metrics: HopMetrics };
type Returned = Awaited<ReturnType<AnyHop['handler']>>;
type Run = Attempt<HandlerContext<OutputSpecs, StoreSpecs, TableSpecs, WindowSpecs>>;

/**
 * One message, one trace: decode it, open its `process` span (open-message.ts), run the handler
 * inside it, and add its outputs — or its dead letter — to the chunk's outbox. The span stays
 * open: the chunk ends it once its phase's CPU is known. An output too large for its topic
 * dead-letters the message (it could never be written; retrying would loop forever).
 *
 * A plain value when nothing waited — a synchronous handler, the common case, pays no promise
 * and no await per message — and a promise only when the handler returned one or an attempt
 * failed and is retried after a backoff. Either way the message is handled completely before the
 * caller goes on to the next one (chunk.ts awaits only a promise).
 */
export function processMessage<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs,
  W extends WindowSpecs,
>(
  hop: HopParts<I, O, S, T, W> & { readonly metrics: HopMetrics },
  scope: ChunkScope,
  message: FetchedRecord,
): HandledMessage | Promise<HandledMessage> {
  return new MessageAttempts(hop as unknown as AnyHop, scope, message).attempt(0);
}

/** One message's handling across its attempts (methods, not closures: one object per message). */
class MessageAttempts {
  readonly #hop: AnyHop;
  readonly #scope: ChunkScope;
  readonly #message: FetchedRecord;
  readonly #input: { readonly name: string; readonly spec: InputSpec<unknown> };
  /** As read from the record's headers: what decode sees, on every attempt. */
  readonly #meta: RecordMeta;
  readonly #opened: OpenedMessage;
  #decoded: unknown;

  constructor(hop: AnyHop, scope: ChunkScope, message: FetchedRecord) {
    const { topic, partition, task } = scope;
    scope.cpu.startMessage();
    const input = hop.inputs.get(topic)!;
    const found = findTraceparent(message.headers);
    const meta = recordMeta(topic, partition, message, found);
    const decoded = tryDecode(input.spec, message, meta);
    const traceparent = decoded instanceof DecodeFailure ? undefined : input.spec.traceFrom?.(decoded, meta.headers);
    const { cpuRate } = task;
    this.#opened = openMessage(hop, meta, message, { traceparent, found, cpuRate, schema: input.spec.schema });
    task.event?.streamTime.observe(input.name, meta.timestamp, Date.now());
    this.#hop = hop;
    this.#scope = scope;
    this.#message = message;
    this.#input = input;
    this.#meta = meta;
    this.#decoded = decoded;
  }

  /** Attempt `n`, up to the handler's result: finished here when that is not a promise. */
  attempt(n: number): HandledMessage | Promise<HandledMessage> {
    const hop = this.#hop;
    const scope = this.#scope;
    const opened = this.#opened;
    const { task } = scope;
    const { span, processCtx } = opened;
    let stage: Stage = 'decode';
    try {
      if (this.#decoded instanceof DecodeFailure) throw this.#decoded.error;
      stage = 'handle';
      const own = new Writes();
      const consumed = consumedOf(opened.meta, this.#decoded, this.#input.name);
      if (isDuplicate(hop, task, scope.writes, own, consumed)) {
        markDuplicate(hop, span, scope, opened);
        own.mergeInto(scope.writes);
        return done(opened, scope.cpu);
      }
      const savepoints = savepointsOf(task);
      const run = startAttempt({
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
        inputKey: this.#message.key,
        inputTimestamp: this.#meta.timestamp,
        signal: hop.signal,
        eventHolder: opened.event,
      });
      let result: ReturnType<AnyHop['handler']>;
      try {
        result = context.with(processCtx, () => hop.handler(consumed, run.ctx));
      } catch (error) {
        rollbackTo(task, savepoints);
        throw error;
      }
      if (isThenable(result)) return this.#awaitHandler(n, result, run, own, savepoints);
      stage = 'encode';
      return this.#finish(run, own, result);
    } catch (error) {
      return this.#failed(n, error, stage);
    }
  }

  /** An async handler: the chunk's CPU clock pauses while it waits (what runs meanwhile is not its CPU). */
  async #awaitHandler(
    n: number,
    pending: PromiseLike<Returned>,
    run: Run,
    own: Writes,
    savepoints: ReturnType<typeof savepointsOf>,
  ): Promise<HandledMessage> {
    let returned: Returned;
    this.#scope.cpu.pause();
    try {
      returned = await pending;
    } catch (error) {
      this.#scope.cpu.resume();
      rollbackTo(this.#scope.task, savepoints);
      return this.#failed(n, error, 'handle');
    }
    this.#scope.cpu.resume();
    try {
      return this.#finish(run, own, returned);
    } catch (error) {
      return this.#failed(n, error, 'encode');
    }
  }

  /** The handler returned: its outputs (and late record) checked and added to the chunk, its writes to the chunk's. */
  #finish(run: Run, own: Writes, returned: Returned): HandledMessage {
    const hop = this.#hop;
    const scope = this.#scope;
    const opened = this.#opened;
    const records = run.records((returned ?? undefined) as never);
    if (run.late) {
      hop.metrics.late.add(1, hop.metrics.attributes(scope.topic, scope.partition));
      if (hop.lateTopic) {
        const { processCtx, event } = opened;
        records.push(lateRecord(hop.lateTopic, this.#message, this.#meta, processCtx, event.id, scope.task));
      }
    }
    // Sized once: the size check's bytes go with the record to the outbox (its produced bytes, its send's parts).
    const sizes: number[] = [];
    for (const r of records) {
      const bytes = kafkaMessageBytes(r.message);
      const limit = hop.limitOf(r.topic);
      if (exceedsLimit(bytes, limit)) {
        throw new RejectedError('OUTPUT_TOO_LARGE', `an output to ${r.topic} exceeds its max.message.bytes (${limit})`);
      }
      sizes.push(bytes);
    }
    own.mergeInto(scope.writes);
    for (let i = 0; i < records.length; i++) scope.outbox.add(records[i]!, opened.span, sizes[i]);
    scope.task.breaker.success();
    return done(opened, scope.cpu);
  }

  /** A failed attempt: retried after a backoff (always a wait), or the message dead-lettered. */
  #failed(n: number, error: unknown, stage: Stage): HandledMessage | Promise<HandledMessage> {
    const { verdict, again } = judge(this.#hop, error, stage, n);
    if (again) return this.#retry(n, verdict, stage);
    checkBreaker(this.#hop, this.#scope.task.breaker, verdict, stage, error);
    parkMessage(this.#hop, this.#opened, this.#message, verdict, this.#scope.outbox);
    return done(this.#opened, this.#scope.cpu);
  }

  async #retry(n: number, verdict: Verdict, stage: Stage): Promise<HandledMessage> {
    const { cpu, keepAlive } = this.#scope;
    cpu.pause();
    await backOff(this.#hop, n, verdict, [this.#opened.span], keepAlive);
    cpu.resume();
    if (stage === 'decode') this.#decoded = tryDecode(this.#input.spec, this.#message, this.#meta);
    return this.attempt(n + 1);
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
