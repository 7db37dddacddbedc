import type { Span } from '@opentelemetry/api';
import type { RecordHeaders } from './kafka/port.ts';

export type DeliveryMode = 'at-least-once' | 'exactly-once';

/** One input topic and how to read its bytes. A decode that throws dead-letters the message. */
export interface InputSpec<In> {
  readonly topic: string;
  decode(bytes: Buffer): In;
  /** For compacted inputs: the value a null (tombstone) record stands for. Without it, a null is dead-lettered. */
  tombstone?(key: Buffer | null): In;
  /**
   * Where the record's trace continues when its context travels inside the record rather than in
   * a header (a click's signed token): a W3C traceparent, or undefined to fall back to the headers.
   */
  traceFrom?(value: In, headers: RecordHeaders): string | undefined;
  /** The record's schema (a `@adtrace/schemas` codec fits): named on every process span. */
  readonly schema?: SchemaIdentity;
}

/** Schema lineage on spans: the record's full name and the fingerprint of the schema it was written with. */
export interface SchemaIdentity {
  readonly recordName: string;
  /** CRC-64-AVRO of the canonical form, 8 bytes. */
  readonly fingerprint: Buffer;
}

/** A hop's inputs by name: each decodes to its own type, and the handler sees which one a record came from. */
// biome-ignore lint/suspicious/noExplicitAny: a map of inputs of different value types
export type InputSpecs = Record<string, InputSpec<any>>;
export type InputValue<S> = S extends InputSpec<infer V> ? V : never;

/** One output topic and how to write its values. */
export interface OutputSpec<V> {
  readonly topic: string;
  encode(value: V): Buffer;
  /**
   * A re-keyed output (an internal repartition topic): the runtime creates `topic` when missing
   * with the partition count of `partitionsLike` (the topic it will be joined with downstream),
   * and refuses to start when an existing one has another count. Every record must set its key.
   */
  readonly partitionsLike?: string;
  /** The record's schema (a `@adtrace/schemas` codec fits): named on every send span. */
  readonly schema?: SchemaIdentity;
}

// biome-ignore lint/suspicious/noExplicitAny: a map of outputs of different value types
export type OutputSpecs = Record<string, OutputSpec<any>>;
export type OutputValue<S> = S extends OutputSpec<infer V> ? V : never;

/** What a handler emits: one record for the output named `to`. A null value is a tombstone. */
export type Emit<O extends OutputSpecs> = {
  [K in keyof O & string]: {
    readonly to: K;
    readonly value: OutputValue<O[K]> | null;
    readonly key?: string | Buffer | null;
    readonly headers?: Readonly<Record<string, string>>;
    /** Defaults to the input's event id; set it where an event starts (ingest). */
    readonly eventId?: string;
    /** Event time, ms since the epoch; defaults to the input record's timestamp. */
    readonly timestamp?: number;
  };
}[keyof O & string];

/** A value codec for a state store (its changelog holds these bytes). */
export interface StoreSpec<V> {
  encode(value: V): Buffer;
  decode(bytes: Buffer): V;
  /**
   * A TTL store: an entry expires this long after it was put, on **stream time** (replaying a
   * partition expires exactly what it expired the first time); expired entries read as absent
   * and are purged with changelog tombstones.
   */
  readonly ttlMs?: number;
}
// biome-ignore lint/suspicious/noExplicitAny: a map of stores of different value types
export type StoreSpecs = Record<string, StoreSpec<any>>;
export type StoreValue<S> = S extends StoreSpec<infer V> ? V : never;

/** A partition-local key-value store: reads see this batch's writes; writes reach the changelog. */
export interface KeyValueStore<V> {
  get(key: string): V | undefined;
  put(key: string, value: V): void;
  delete(key: string): void;
}

/** A compacted topic read whole by every instance into a read-only table (campaigns, segments). */
export interface TableSpec<V> {
  readonly topic: string;
  decode(bytes: Buffer, key: string): V;
}
// biome-ignore lint/suspicious/noExplicitAny: a map of tables of different value types
export type TableSpecs = Record<string, TableSpec<any>>;
export type TableValue<S> = S extends TableSpec<infer V> ? V : never;

export interface ReadonlyTable<V> {
  get(key: string): V | undefined;
  readonly size: number;
}

/** Tumbling event-time windows with a grace period (allowed lateness), backed by a changelog. */
export interface WindowSpec<V> {
  readonly sizeMs: number;
  readonly graceMs: number;
  readonly codec: StoreSpec<V>;
}
// biome-ignore lint/suspicious/noExplicitAny: a map of windows of different value types
export type WindowSpecs = Record<string, WindowSpec<any>>;
export type WindowValue<S> = S extends WindowSpec<infer V> ? V : never;

export interface WindowStore<V> {
  /**
   * Applies `fn` (returning a new value, never mutating) to the window of `timestampMs` for
   * `key`, unless the record is late: stream time ≥ window end + grace. A late record changes
   * nothing; the runtime counts it and sends the input record to the hop's `late` topic.
   */
  update(key: string, timestampMs: number, fn: (current: V | undefined) => V): 'accepted' | 'late';
  get(key: string, windowStart: number): V | undefined;
}

/** A window closing (stream time ≥ its end), restated (updated within grace after it closed), or final (end + grace passed; then it is gone). */
export interface WindowEvent<V> {
  readonly window: string;
  readonly type: 'closed' | 'restated' | 'final';
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly value: V;
}

export interface TimerEvent {
  readonly name: string;
  readonly key: string;
  /** The stream time it was scheduled for. */
  readonly at: number;
}

/** Where a consumed record came from, and the event and trace it belongs to. */
export interface RecordMeta {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  readonly headers: RecordHeaders;
  /** The record timestamp, ms since the epoch. */
  readonly timestamp: number;
  /** The `adtrace.event-id` header. */
  readonly eventId: string | undefined;
  /** The trace id of the record's own `traceparent` header (its producer's trace), if it has a valid one. */
  readonly traceId: string | undefined;
}

export interface Consumed<In> extends RecordMeta {
  readonly value: In;
}

/** A record of one of a hop's inputs: `input` names which (and so the type of `value`). */
export type InputMessage<I extends InputSpecs> = {
  [K in keyof I & string]: Consumed<InputValue<I[K]>> & { readonly input: K };
}[keyof I & string];

/** What every callback of a hop gets: emit outputs, its partition's stores, the task's stream time. */
export interface TaskContext<O extends OutputSpecs, S extends StoreSpecs> {
  /** Emits an output whose `send` span is a child of the span active now (e.g. the handler's own span). */
  emit(output: Emit<O>): void;
  store<K extends keyof S & string>(name: K): KeyValueStore<StoreValue<S[K]>>;
  /** The task's stream time (ms): the lowest of its inputs' highest record timestamps (stream-time.ts). */
  readonly streamTime: number;
  /** Timers on stream time: `onTimer` is called once stream time reaches `atMs`. One per (name, key). */
  readonly timers: { schedule(name: string, key: string, atMs: number): void; cancel(name: string, key: string): void };
}

export interface HandlerContext<
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs = Record<never, never>,
  W extends WindowSpecs = Record<never, never>,
> extends TaskContext<O, S> {
  /** A global table, caught up with its topic before the hop processed any input. */
  table<K extends keyof T & string>(name: K): ReadonlyTable<TableValue<T[K]>>;
  window<K extends keyof W & string>(name: K): WindowStore<WindowValue<W[K]>>;
  /** Tags the process span and becomes the default event id of the outputs. */
  setEventId(eventId: string): void;
  /** The `process <topic>` span; the handler runs inside its context. */
  readonly span: Span;
  /** Aborts when the hop stops: long handler work should give up. */
  readonly signal: AbortSignal;
}

// biome-ignore lint/suspicious/noConfusingVoidType: a handler that only uses ctx.emit returns nothing
export type Returned<O extends OutputSpecs> = void | readonly Emit<O>[];

/** Returned outputs are children of the process span; `ctx.emit` outputs of the active span. */
export type Handler<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs = Record<never, never>,
  W extends WindowSpecs = Record<never, never>,
> = (message: InputMessage<I>, ctx: HandlerContext<O, S, T, W>) => Returned<O> | Promise<Returned<O>>;

/**
 * Called at the end of a chunk (or an idle tick) for what stream time moved past: windows that
 * closed, were restated or became final, and timers that came due. Runs on ROOT_CONTEXT: it
 * serves many events, so its outputs belong to no event's trace unless it starts a span (a
 * fan-in span with links to the events, `startFanInSpan`) and emits inside it.
 */
export interface Punctuation<O extends OutputSpecs, S extends StoreSpecs> {
  onWindow?(event: WindowEvent<unknown>, ctx: TaskContext<O, S>): Returned<O>;
  onTimer?(timer: TimerEvent, ctx: TaskContext<O, S>): Returned<O>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;
