import { type Context, context, type Span } from '@opentelemetry/api';
import { RejectedError } from './errors.ts';
import type { EventState } from './event-state.ts';
import { Headers } from './headers.ts';
import type { RecordHeaders } from './kafka/port.ts';
import type { OutRecord } from './outbox.ts';
import { Attr } from './spans.ts';
import { type PartitionState, storeView, type Writes } from './store.ts';
import { type Expiring, ttlCodec } from './ttl.ts';
import type {
  Emit,
  HandlerContext,
  KeyValueStore,
  OutputSpecs,
  ReadonlyTable,
  StoreSpec,
  StoreSpecs,
  StoreValue,
  TableSpecs,
  TableValue,
  TaskContext,
  WindowSpecs,
  WindowStore,
  WindowValue,
} from './types.ts';
import type { WindowTable } from './windows.ts';

/** What a hop's callbacks can reach of its task. */
export interface TaskScope<O extends OutputSpecs, S extends StoreSpecs> {
  readonly outputs: O;
  readonly stores: S;
  readonly state: PartitionState;
  readonly chunk: Writes;
  readonly own: Writes;
  readonly event: EventState | undefined;
}

export interface Attempt<C> {
  readonly ctx: C;
  /** Encodes what was emitted or returned; returned outputs are children of `parent`. */
  records(returned: readonly Emit<OutputSpecs>[] | undefined): OutRecord[];
  /** The message met a window it was too late for. */
  readonly late: boolean;
}

export interface AttemptInput<O extends OutputSpecs, S extends StoreSpecs> extends TaskScope<O, S> {
  readonly tables: ReadonlyMap<string, ReadonlyTable<unknown>>;
  readonly windows: WindowSpecs;
  readonly span: Span;
  readonly processCtx: Context;
  readonly inputKey: Buffer | null;
  /** The input record's timestamp: the outputs' event time unless they set one. */
  readonly inputTimestamp: number;
  readonly signal: AbortSignal;
  /** Shared with the process context (event-context.ts), so spans the handler starts see it. */
  readonly eventHolder: { id: string | undefined };
}

/** A store as a callback sees it; a TTL store hides expired entries and stamps new ones on stream time. */
export function storeFor<V>(
  name: string,
  spec: StoreSpec<V>,
  scope: Pick<TaskScope<OutputSpecs, StoreSpecs>, 'state' | 'chunk' | 'own' | 'event'>,
): KeyValueStore<V> {
  if (spec.ttlMs === undefined) return storeView(name, spec, scope.state, scope.chunk, scope.own);
  const ttlMs = spec.ttlMs;
  const framed = storeView<Expiring<V>>(name, ttlCodec(spec), scope.state, scope.chunk, scope.own);
  const now = () => scope.event?.streamTime.current() ?? Number.NEGATIVE_INFINITY;
  return {
    get(key) {
      const entry = framed.get(key);
      return entry === undefined || entry.expiresAt <= now() ? undefined : entry.value;
    },
    put(key, value) {
      const base = now();
      // Before any record has a timestamp, stream time is unknown: expire from the wall clock.
      framed.put(key, { expiresAt: Math.trunc((Number.isFinite(base) ? base : Date.now()) + ttlMs), value });
    },
    delete: (key) => framed.delete(key),
  };
}

/** The part every callback shares: emit, stores, stream time, timers. */
class TaskTimers {
  readonly #event: EventState | undefined;

  constructor(event: EventState | undefined) {
    this.#event = event;
  }

  schedule(name: string, key: string, atMs: number): void {
    this.#timers().schedule(name, key, Math.trunc(atMs));
  }

  cancel(name: string, key: string): void {
    this.#timers().cancel(name, key);
  }

  #timers() {
    if (!this.#event) throw new TypeError('timers need a stateful (exactly-once) hop');
    return this.#event.timers;
  }
}

type Emitted<O extends OutputSpecs> = { readonly output: Emit<O>; readonly parent: Context };

/**
 * One object per callback, its methods on the prototype: a handler runs once per message, and a
 * context of fresh closures (and the spreads that built it) was most of the runtime's own
 * per-message garbage. Handlers call `ctx.emit(…)`, never a detached `emit`, so unbound methods
 * need not work.
 */
class CallbackContext<O extends OutputSpecs, S extends StoreSpecs> implements TaskContext<O, S> {
  readonly #scope: TaskScope<O, S>;
  readonly #emitted: Emitted<O>[];
  #timers: TaskTimers | undefined;

  constructor(scope: TaskScope<O, S>, emitted: Emitted<O>[]) {
    this.#scope = scope;
    this.#emitted = emitted;
  }

  emit(output: Emit<O>): void {
    this.#emitted.push({ output, parent: context.active() });
  }

  store<K extends keyof S & string>(name: K): KeyValueStore<StoreValue<S[K]>> {
    return storeFor(name, this.#scope.stores[name]!, this.#scope);
  }

  get streamTime(): number {
    return this.#scope.event?.streamTime.current() ?? Number.NEGATIVE_INFINITY;
  }

  /** Made on first use: most handlers never schedule a timer. */
  get timers(): TaskContext<O, S>['timers'] {
    this.#timers ??= new TaskTimers(this.#scope.event);
    return this.#timers;
  }
}

/** What an output defaults to when it does not say: the input's key, time and event. */
interface OutputDefaults {
  readonly key: Buffer | null;
  readonly timestamp: number;
  eventId(): string | undefined;
  /** An output named its event: it becomes the message's event too, if it had none. */
  tag(id: string): void;
}

/** Turns one emitted or returned output into a record: encoded, keyed, stamped with event and time. */
function recordOf<O extends OutputSpecs>(
  outputs: O,
  output: Emit<O>,
  parent: Context,
  defaults: OutputDefaults,
): OutRecord {
  const spec = outputs[output.to];
  if (!spec) throw new TypeError(`handler emitted to unknown output "${output.to}"`);
  const value = output.value === null ? null : spec.encode(output.value);
  if (output.eventId) defaults.tag(output.eventId);
  const eventId = output.eventId ?? defaults.eventId();
  // Always a copy: the record's headers are added to (event id, traceparent) and the handler's are not ours.
  const headers: RecordHeaders = output.headers === undefined ? {} : { ...output.headers };
  if (eventId) headers[Headers.eventId] = eventId;
  // Outputs keep the input's key (the user key) unless the handler says otherwise; a re-keyed
  // output must say: its whole point is the new key.
  if (spec.partitionsLike && (output.key === undefined || output.key === null)) {
    throw new RejectedError('NO_KEY', `output "${output.to}" is re-keyed: every record must set its key`);
  }
  const key = output.key === undefined ? defaults.key : output.key;
  const timestamp = String(Math.trunc(output.timestamp ?? defaults.timestamp));
  const message = { key, value, headers, timestamp };
  return { kind: 'output', topic: spec.topic, message, parent, eventId, schema: spec.schema };
}

/** Emitted outputs first (in order), then returned ones, children of `parent`. */
function recordsOf<O extends OutputSpecs>(
  outputs: O,
  emitted: readonly Emitted<O>[],
  returned: readonly Emit<O>[] | undefined,
  parent: Context,
  defaults: OutputDefaults,
): OutRecord[] {
  const records: OutRecord[] = [];
  for (const e of emitted) records.push(recordOf(outputs, e.output, e.parent, defaults));
  if (returned) for (const output of returned) records.push(recordOf(outputs, output, parent, defaults));
  return records;
}

/** A window as a handler sees it: an update too late for it marks the attempt late. */
class WindowView<V> implements WindowStore<V> {
  readonly #table: WindowTable<V>;
  readonly #event: EventState;
  readonly #attempt: MessageAttempt<OutputSpecs, StoreSpecs, TableSpecs, WindowSpecs>;

  constructor(
    table: WindowTable<V>,
    event: EventState,
    attempt: MessageAttempt<OutputSpecs, StoreSpecs, TableSpecs, WindowSpecs>,
  ) {
    this.#table = table;
    this.#event = event;
    this.#attempt = attempt;
  }

  update(key: string, timestampMs: number, fn: (current: V | undefined) => V): 'accepted' | 'late' {
    const result = this.#table.update(key, timestampMs, fn, this.#event.streamTime.current());
    if (result === 'late') this.#attempt.late = true;
    return result;
  }

  get(key: string, windowStart: number): V | undefined {
    return this.#table.get(key, windowStart);
  }
}

class MessageContext<O extends OutputSpecs, S extends StoreSpecs, T extends TableSpecs, W extends WindowSpecs>
  extends CallbackContext<O, S>
  implements HandlerContext<O, S, T, W>
{
  readonly span: Span;
  readonly signal: AbortSignal;
  readonly #input: AttemptInput<O, S>;
  readonly #attempt: MessageAttempt<O, S, T, W>;

  constructor(input: AttemptInput<O, S>, emitted: Emitted<O>[], attempt: MessageAttempt<O, S, T, W>) {
    super(input, emitted);
    this.#input = input;
    this.#attempt = attempt;
    this.span = input.span;
    this.signal = input.signal;
  }

  table<K extends keyof T & string>(name: K): ReadonlyTable<TableValue<T[K]>> {
    const table = this.#input.tables.get(name);
    if (!table) throw new TypeError(`unknown table "${name}"`);
    return table as ReadonlyTable<never>;
  }

  window<K extends keyof W & string>(name: K): WindowStore<WindowValue<W[K]>> {
    const event = this.#input.event;
    const table = event?.windows.get(name);
    if (!event || !table) throw new TypeError(`unknown window "${name}"`);
    return new WindowView(table as WindowTable<WindowValue<W[K]>>, event, this.#attempt as never);
  }

  setEventId(eventId: string): void {
    this.#input.span.setAttribute(Attr.eventId, eventId);
    this.#input.eventHolder.id = eventId;
  }
}

class MessageAttempt<O extends OutputSpecs, S extends StoreSpecs, T extends TableSpecs, W extends WindowSpecs>
  implements Attempt<HandlerContext<O, S, T, W>>, OutputDefaults
{
  readonly ctx: MessageContext<O, S, T, W>;
  late = false;
  readonly key: Buffer | null;
  readonly timestamp: number;
  readonly #input: AttemptInput<O, S>;
  readonly #emitted: Emitted<O>[] = [];

  constructor(input: AttemptInput<O, S>) {
    this.#input = input;
    this.key = input.inputKey;
    this.timestamp = input.inputTimestamp;
    this.ctx = new MessageContext(input, this.#emitted, this);
  }

  records(returned: readonly Emit<OutputSpecs>[] | undefined): OutRecord[] {
    const input = this.#input;
    return recordsOf(input.outputs, this.#emitted, returned as readonly Emit<O>[] | undefined, input.processCtx, this);
  }

  eventId(): string | undefined {
    return this.#input.eventHolder.id;
  }

  tag(id: string): void {
    const holder = this.#input.eventHolder;
    if (holder.id === undefined) {
      this.#input.span.setAttribute(Attr.eventId, id);
      holder.id = id;
    }
  }
}

/** One attempt of the handler on one message: its context, and the records it produced. */
export function startAttempt<O extends OutputSpecs, S extends StoreSpecs, T extends TableSpecs, W extends WindowSpecs>(
  input: AttemptInput<O, S>,
): Attempt<HandlerContext<O, S, T, W>> {
  return new MessageAttempt<O, S, T, W>(input);
}

/** A window or timer callback: no input record, no event; stream time is the default time. */
class PunctuationAttempt<O extends OutputSpecs, S extends StoreSpecs>
  implements Attempt<TaskContext<O, S>>, OutputDefaults
{
  readonly ctx: CallbackContext<O, S>;
  readonly late = false;
  readonly key = null;
  readonly timestamp: number;
  readonly #outputs: O;
  readonly #parent: Context;
  readonly #emitted: Emitted<O>[] = [];

  constructor(scope: TaskScope<O, S>, parent: Context) {
    this.ctx = new CallbackContext(scope, this.#emitted);
    this.#outputs = scope.outputs;
    this.#parent = parent;
    const now = scope.event?.streamTime.current() ?? Date.now();
    this.timestamp = Number.isFinite(now) ? now : Date.now();
  }

  records(returned: readonly Emit<OutputSpecs>[] | undefined): OutRecord[] {
    return recordsOf(this.#outputs, this.#emitted, returned as readonly Emit<O>[] | undefined, this.#parent, this);
  }

  eventId(): undefined {
    return undefined;
  }

  tag(): void {}
}

/** The context of a window or timer callback: no input record, no event, stream time as the default time. */
export function startPunctuation<O extends OutputSpecs, S extends StoreSpecs>(
  scope: TaskScope<O, S>,
  parent: Context,
): Attempt<TaskContext<O, S>> {
  return new PunctuationAttempt(scope, parent);
}
