import { boot } from './boot.ts';
import { runChunk } from './chunk.ts';
import type { StreamConfig } from './config.ts';
import type { KafkaPortFactory } from './kafka/port.ts';
import { StreamRuntime } from './runtime.ts';
import type { DeliveryMode, Handler, InputSpec, InputSpecs, Log, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopOptions<I extends InputSpecs, O extends OutputSpecs, S extends StoreSpecs> {
  /** The consumer group, the stage named in dead letters, the changelog and transactional id prefix. */
  readonly name: string;
  /** By name; a hop with stores needs them co-partitioned (one partition count). */
  readonly inputs: I;
  readonly outputs: O;
  readonly handler: Handler<I, O, S>;
  readonly config: StreamConfig;
  /** Overrides config.mode. A hop with stores must be exactly-once, or it does not start. */
  readonly mode?: DeliveryMode;
  readonly stores?: S;
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
  /** Checks topics, creates changelogs, connects, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stop fetching, finish and commit the in-flight chunk, close, run onShutdown. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the hop has stopped: resolves after a stop, rejects with HopCrashedError after a crash. */
  readonly done: Promise<void>;
  /** The bound health port, once started (config.healthPort 0 picks one). */
  readonly healthPort: number | undefined;
  /** Joined the group, and every assigned task is open (fenced, stores restored). */
  readonly ready: boolean;
}

export function createHop<I extends InputSpecs, O extends OutputSpecs, S extends StoreSpecs = Record<never, never>>(
  options: HopOptions<I, O, S>,
): Hop {
  const { outputs, handler } = options;
  const stores = (options.stores ?? {}) as S;
  const inputs = new Map(
    Object.entries(options.inputs).map(([name, spec]) => [spec.topic, { name, spec: spec as InputSpec<unknown> }]),
  );
  const plan = {
    ...{ name: options.name, config: options.config, topics: [...inputs.keys()], kafka: options.kafka },
    ...{ outputs: Object.values(outputs), stores, mode: options.mode ?? options.config.mode },
  };
  return new StreamRuntime(options, (handles, hooks) =>
    boot(plan, handles, hooks, (parts) => {
      const deps = { ...parts, inputs, outputs, stores, handler, limitOf: parts.topics.limitOf };
      return (place, messages) => runChunk(deps, place, messages);
    }),
  );
}
