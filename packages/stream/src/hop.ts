import { boot } from './boot.ts';
import { runChunk } from './chunk.ts';
import type { StreamConfig } from './config.ts';
import { StreamRuntime } from './runtime.ts';
import type { DeliveryMode, Handler, InputSpec, Log, OutputSpecs, StoreSpecs } from './types.ts';

export interface HopOptions<In, O extends OutputSpecs, S extends StoreSpecs> {
  /** The consumer group, the stage named in dead letters, and the changelog prefix. */
  readonly name: string;
  readonly input: InputSpec<In> | readonly InputSpec<In>[];
  readonly outputs: O;
  readonly handler: Handler<In, O, S>;
  readonly config: StreamConfig;
  /** Overrides config.mode: a stateful hop declares exactly-once. */
  readonly mode?: DeliveryMode;
  readonly stores?: S;
  /** Last step of the shutdown, e.g. flushing telemetry. */
  readonly onShutdown?: () => void | Promise<void>;
  readonly log?: Log;
  /** How long a stop waits for the in-flight chunk before giving up on it. Default 30 s. */
  readonly drainTimeoutMs?: number;
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
  /** Joined the group, and every assigned partition's stores are restored. */
  readonly ready: boolean;
}

export function createHop<In, O extends OutputSpecs, S extends StoreSpecs = Record<never, never>>(
  options: HopOptions<In, O, S>,
): Hop {
  const inputs = Array.isArray(options.input) ? options.input : [options.input as InputSpec<In>];
  const { outputs, handler } = options;
  const stores = (options.stores ?? {}) as S;
  const plan = {
    ...{ name: options.name, config: options.config, topics: inputs.map((i) => i.topic) },
    ...{ outputTopics: Object.values(outputs).map((o) => o.topic), stores, mode: options.mode ?? options.config.mode },
  };
  const byTopic = new Map(inputs.map((i) => [i.topic, i]));
  return new StreamRuntime(options, (handles, hooks) =>
    boot(plan, handles, hooks, (parts) => {
      const deps = { ...parts, inputs: byTopic, outputs, stores, handler };
      return (place, messages) => runChunk(deps, place, messages);
    }),
  );
}
