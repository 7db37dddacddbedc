import { boot } from './boot.ts';
import type { StreamConfig } from './config.ts';
import type { Hop } from './hop.ts';
import type { Decoder } from './open-message.ts';
import { StreamRuntime } from './runtime.ts';
import { runSinkChunk } from './sink-chunk.ts';
import type { Consumed, Log } from './types.ts';

/**
 * One input of a sink. `decode` also sees where the record came from (headers, offset, …), so
 * it can build a whole row; a throw dead-letters the record, a RejectedError with its reason.
 */
export type SinkInput<In> = Decoder<In>;

/** A decoded record and where it came from: topic, partition, offset, timestamp, key, headers, event and trace id. */
export type SinkRecord<In> = Consumed<In>;

export interface SinkContext {
  /** Aborts when the sink stops past its drain: a long write should give up (it is retried on restart). */
  readonly signal: AbortSignal;
  /** 0 on the first attempt at these records. */
  readonly attempt: number;
}

/**
 * Writes records to the external store, all or nothing, and idempotently: a crash between the
 * write and the offset commit writes them again. Throw TransientError (or a network error) when
 * the store is away: retried with backoff, never dead-lettered. Throw RejectedError when the
 * records hold one the store refuses: the sink isolates it and dead-letters it.
 */
export type SinkWrite<In> = (records: readonly SinkRecord<In>[], ctx: SinkContext) => Promise<void>;

export interface SinkOptions<In> {
  /** The consumer group and the stage named in dead letters. */
  readonly name: string;
  readonly input: SinkInput<In> | readonly SinkInput<In>[];
  /** One call per chunk (up to batchSize records of one partition), before its offsets are committed. */
  readonly write: SinkWrite<In>;
  /** config.mode is not used: a sink is at-least-once into an idempotent store. */
  readonly config: StreamConfig;
  readonly onShutdown?: () => void | Promise<void>;
  readonly log?: Log;
  /** How long a stop waits for the in-flight chunk before giving up on it. Default 30 s. */
  readonly drainTimeoutMs?: number;
  /**
   * Default true: a `process <topic>` span per record, in its producer's trace. false: none —
   * for a store that writes rows in bulk (the warehouse loader), where a span per row would cost
   * more than the row (making, exporting and storing it) and say less than one span per write;
   * a record's dead letter still carries the record's trace context (and its `dead-letter` span).
   */
  readonly recordSpans?: boolean;
}

/** Same lifecycle as a hop: start, stop (drains), done, ready, healthPort. */
export type Sink = Hop;

/**
 * A consumer whose output is a bulk write to an external store instead of Kafka messages (the
 * warehouse loader). Same machinery as a hop: batched consume, a `process <topic>` span per
 * record in its producer's trace (unless `recordSpans: false`), dead letters for what does not decode or is refused, backoff
 * for transient failures, metrics, health, drain; offsets are committed only after `write`
 * resolved (and the chunk's dead letters are acknowledged).
 */
export function createSink<In>(options: SinkOptions<In>): Sink {
  const inputs = Array.isArray(options.input) ? options.input : [options.input as SinkInput<In>];
  const plan = {
    ...{ name: options.name, config: options.config, inputs: new Map(inputs.map((i) => [i.topic, i.topic])) },
    ...{ outputs: [], event: undefined, tables: {}, mode: 'at-least-once' as const },
  };
  const byTopic = new Map(inputs.map((i) => [i.topic, i]));
  return new StreamRuntime(options, (handles, hooks) =>
    boot(plan, handles, hooks, (parts) => {
      const deps = { ...parts, inputs: byTopic, write: options.write, recordSpans: options.recordSpans ?? true };
      return (place, messages) => runSinkChunk(deps, place, messages);
    }),
  );
}
