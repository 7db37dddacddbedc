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
  TableSpecs,
  TaskContext,
  WindowSpecs,
} from './types.ts';

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
function taskContext<O extends OutputSpecs, S extends StoreSpecs>(
  scope: TaskScope<O, S>,
  emitted: { output: Emit<O>; parent: Context }[],
): TaskContext<O, S> {
  const event = scope.event;
  const timers = () => {
    if (!event) throw new TypeError('timers need a stateful (exactly-once) hop');
    return event.timers;
  };
  return {
    emit: (output) => void emitted.push({ output, parent: context.active() }),
    store: (name) => storeFor(name, scope.stores[name]!, scope),
    get streamTime() {
      return event?.streamTime.current() ?? Number.NEGATIVE_INFINITY;
    },
    timers: {
      schedule: (name, key, atMs) => timers().schedule(name, key, Math.trunc(atMs)),
      cancel: (name, key) => void timers().cancel(name, key),
    },
  };
}

/** Turns emitted and returned outputs into records: encoded, keyed, stamped with event and time. */
function recordsOf<O extends OutputSpecs>(
  outputs: O,
  emitted: readonly { output: Emit<O>; parent: Context }[],
  defaults: { key: Buffer | null; timestamp: number; eventId(): string | undefined; tag(id: string): void },
): OutRecord[] {
  return emitted.map(({ output, parent }) => {
    const spec = outputs[output.to];
    if (!spec) throw new TypeError(`handler emitted to unknown output "${output.to}"`);
    const value = output.value === null ? null : spec.encode(output.value);
    if (output.eventId) defaults.tag(output.eventId);
    const eventId = output.eventId ?? defaults.eventId();
    const headers: RecordHeaders = { ...output.headers };
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
  });
}

/** One attempt of the handler on one message: its context, and the records it produced. */
export function startAttempt<O extends OutputSpecs, S extends StoreSpecs, T extends TableSpecs, W extends WindowSpecs>(
  input: AttemptInput<O, S>,
): Attempt<HandlerContext<O, S, T, W>> {
  const emitted: { output: Emit<O>; parent: Context }[] = [];
  const holder = input.eventHolder;
  let late = false;
  const ctx: HandlerContext<O, S, T, W> = {
    ...taskContext(input, emitted),
    get streamTime() {
      return input.event?.streamTime.current() ?? Number.NEGATIVE_INFINITY;
    },
    table: (name) => {
      const table = input.tables.get(name);
      if (!table) throw new TypeError(`unknown table "${name}"`);
      return table as ReadonlyTable<never>;
    },
    window: (name) => {
      const table = input.event?.windows.get(name);
      if (!table) throw new TypeError(`unknown window "${name}"`);
      return {
        update: (key, timestampMs, fn) => {
          const result = table.update(key, timestampMs, fn as never, input.event!.streamTime.current());
          if (result === 'late') late = true;
          return result;
        },
        get: (key, start) => table.get(key, start) as never,
      };
    },
    setEventId: (id) => {
      input.span.setAttribute(Attr.eventId, id);
      holder.id = id;
    },
    span: input.span,
    signal: input.signal,
  };
  const defaults = {
    key: input.inputKey,
    timestamp: input.inputTimestamp,
    eventId: () => holder.id,
    tag: (id: string) => {
      if (holder.id === undefined) input.span.setAttribute(Attr.eventId, id);
      holder.id ??= id;
    },
  };
  return {
    ctx,
    get late() {
      return late;
    },
    records: (returned) => {
      const all = emitted.slice();
      for (const output of (returned ?? []) as readonly Emit<O>[]) all.push({ output, parent: input.processCtx });
      return recordsOf(input.outputs, all, defaults);
    },
  };
}

/** The context of a window or timer callback: no input record, no event, stream time as the default time. */
export function startPunctuation<O extends OutputSpecs, S extends StoreSpecs>(
  scope: TaskScope<O, S>,
  parent: Context,
): Attempt<TaskContext<O, S>> {
  const emitted: { output: Emit<O>; parent: Context }[] = [];
  const ctx = taskContext(scope, emitted);
  const now = scope.event?.streamTime.current() ?? Date.now();
  const defaults = {
    key: null,
    timestamp: Number.isFinite(now) ? now : Date.now(),
    eventId: () => undefined,
    tag: () => {},
  };
  return {
    ctx,
    late: false,
    records: (returned) => {
      const all = emitted.slice();
      for (const output of (returned ?? []) as readonly Emit<O>[]) all.push({ output, parent });
      return recordsOf(scope.outputs, all, defaults);
    },
  };
}
