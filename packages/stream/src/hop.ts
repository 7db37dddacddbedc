import { boot } from './boot.ts';
import { runChunk } from './chunk.ts';
import type { StreamConfig } from './config.ts';
import { DEDUPE_STORE, type EventPlan } from './event-state.ts';
import type { KafkaPortFactory } from './kafka/port.ts';
import type { Dedupe } from './process-message.ts';
import { StreamRuntime } from './runtime.ts';
import { tick } from './tick.ts';
import type {
  DeliveryMode,
  Handler,
  InputSpec,
  InputSpecs,
  Log,
  OutputSpecs,
  Punctuation,
  StoreSpec,
  StoreSpecs,
  TableSpecs,
  WindowSpecs,
} from './types.ts';

export interface HopOptions<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs,
  T extends TableSpecs = Record<never, never>,
  W extends WindowSpecs = Record<never, never>,
> extends Punctuation<O, S> {
  /** The consumer group, the stage named in dead letters, the changelog and transactional id prefix. */
  readonly name: string;
  /** By name; a hop with state needs them co-partitioned (one partition count). */
  readonly inputs: I;
  readonly outputs: O;
  readonly handler: Handler<I, O, S, T, W>;
  readonly config: StreamConfig;
  /** Overrides config.mode. A hop with state (stores, windows, timers, de-duplication) must be exactly-once. */
  readonly mode?: DeliveryMode;
  /** Partition-local key-value stores, changelog-backed; `ttlMs` makes one expire on stream time. */
  readonly stores?: S;
  /** Compacted topics every instance reads whole (campaigns, segments), caught up before any input. */
  readonly tables?: T;
  /** Tumbling event-time windows with grace, per partition, changelog-backed (`onWindow`). */
  readonly windows?: W;
  /** The hop uses `ctx.timers` (`onTimer`): a changelog keeps them. */
  readonly timers?: boolean;
  /** Drops a record whose key was seen within `ttlMs` of stream time: counted, never dead-lettered. */
  readonly dedupe?: Dedupe<I>;
  /** Where records too late for a window go, as they came (`adtrace.late-events`). */
  readonly lateTopic?: string;
  /** Last step of the shutdown, e.g. flushing telemetry. */
  readonly onShutdown?: () => void | Promise<void>;
  readonly log?: Log;
  /** How long a stop waits for the in-flight chunk before giving up on it. Default 30 s. */
  readonly drainTimeoutMs?: number;
  /** The Kafka client port (kafka/port.ts); kafkajs when absent. */
  readonly kafka?: KafkaPortFactory;
}

export interface Hop extends AsyncDisposable {
  readonly name: string;
  /** Checks topics, creates changelogs, reads global tables, connects, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stop fetching, finish and commit the in-flight chunk, close, run onShutdown. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the hop has stopped: resolves after a stop, rejects with HopCrashedError after a crash. */
  readonly done: Promise<void>;
  /** The bound health port, once started (config.healthPort 0 picks one). */
  readonly healthPort: number | undefined;
  /** Joined the group, and every assigned task is open (fenced, state restored). */
  readonly ready: boolean;
}

export function createHop<
  I extends InputSpecs,
  O extends OutputSpecs,
  S extends StoreSpecs = Record<never, never>,
  T extends TableSpecs = Record<never, never>,
  W extends WindowSpecs = Record<never, never>,
>(options: HopOptions<I, O, S, T, W>): Hop {
  const { outputs, handler, config } = options;
  const windows = (options.windows ?? {}) as W;
  const dedupeStore: StoreSpec<number> = {
    encode: () => Buffer.alloc(0),
    decode: () => 1,
    ttlMs: options.dedupe?.ttlMs ?? 0,
  };
  const stores = { ...options.stores, ...(options.dedupe ? { [DEDUPE_STORE]: dedupeStore } : {}) } as S;
  const entries = Object.entries(options.inputs) as [string, InputSpec<unknown>][];
  const inputs = new Map(entries.map(([name, spec]) => [spec.topic, { name, spec }]));
  const stateful = Object.keys(stores).length > 0 || Object.keys(windows).length > 0 || options.timers === true;
  const event: EventPlan | undefined = stateful
    ? { inputs: entries.map(([name]) => name), windows, stores, timers: options.timers === true, idleMs: config.idleMs }
    : undefined;
  const lateOutput = options.lateTopic ? [{ topic: options.lateTopic }] : [];
  const plan = {
    ...{ name: options.name, config, kafka: options.kafka, tables: options.tables ?? {} },
    ...{ inputs: new Map(entries.map(([name, spec]) => [spec.topic, name])), event },
    ...{ outputs: [...Object.values(outputs), ...lateOutput], mode: options.mode ?? config.mode },
  };
  const punctuation = { onWindow: options.onWindow, onTimer: options.onTimer };
  return new StreamRuntime(options, (handles, hooks) =>
    boot(plan, handles, hooks, (parts) => {
      const deps = {
        ...parts,
        ...{ inputs, outputs, stores, windows, handler, punctuation, dedupe: options.dedupe },
        ...{ lateTopic: options.lateTopic, limitOf: parts.topics.limitOf },
      };
      const ticking = event && (Object.keys(windows).length > 0 || event.timers);
      return {
        runChunk: (place, messages) => runChunk(deps, place, messages),
        tick: ticking ? (task) => tick(deps, task) : undefined,
      };
    }),
  );
}
