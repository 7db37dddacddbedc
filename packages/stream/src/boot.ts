import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { Assignment } from './assignment.ts';
import type { StreamConfig } from './config.ts';
import { Abandon } from './control.ts';
import { AtLeastOnceDelivery } from './deliver-at-least-once.ts';
import { ExactlyOnceDelivery } from './deliver-exactly-once.ts';
import type { Delivery } from './delivery.ts';
import { type ChunkRunner, eachBatchHandler } from './each-batch.ts';
import { ConfigError, HopCrashedError } from './errors.ts';
import { changelogNames, type EventPlan } from './event-state.ts';
import type { MessageParts } from './failure.ts';
import { type GlobalTable, openGlobalTable } from './global-table.ts';
import { type HealthServer, startHealthServer } from './health.ts';
import { kafkajsPort } from './kafka/kafkajs.ts';
import type { GroupConsumerPort, KafkaPort, KafkaPortFactory } from './kafka/port.ts';
import { HopMetrics } from './metrics.ts';
import { type PreparedTopics, prepareTopics } from './prepare-topics.ts';
import { retrying } from './retrying.ts';
import { TRACER_NAME } from './spans.ts';
import type { Task } from './task.ts';
import { Tasks } from './tasks.ts';
import type { DeliveryMode, Log, ReadonlyTable, TableSpecs } from './types.ts';

/** What a running hop holds, filled in as it starts, so a stop can close whatever exists. */
export interface HopHandles {
  consumer?: GroupConsumerPort;
  delivery?: Delivery;
  health?: HealthServer;
  assignment?: Assignment;
  tasks?: Tasks;
  tables?: GlobalTable<unknown>[];
  /** The idle tick's timer (stateful hops with windows or timers). */
  ticker?: NodeJS.Timeout;
}

export interface BootHooks {
  readonly signal: AbortSignal;
  readonly log: Log;
  crash(error: HopCrashedError): void;
  stopping(): boolean;
  live(): boolean;
  ready(): boolean;
}

/** What a hop or a sink consumes and writes to Kafka: the boot checks and prepares it. */
export interface BootPlan {
  readonly name: string;
  readonly config: StreamConfig;
  /** Input topic → input name. */
  readonly inputs: ReadonlyMap<string, string>;
  readonly outputs: readonly { readonly topic: string; readonly partitionsLike?: string }[];
  /** Stores (the de-duplication store included), windows and timers; undefined for a stateless hop. */
  readonly event: EventPlan | undefined;
  readonly tables: TableSpecs;
  readonly mode: DeliveryMode;
  /** The client port; kafkajs by default. */
  readonly kafka?: KafkaPortFactory;
}

/** What every chunk runner gets: the shared clients, metrics and knobs of one running hop. */
export interface RuntimeParts extends MessageParts {
  readonly log: Log;
  readonly delivery: Delivery;
  readonly metrics: HopMetrics;
  readonly port: KafkaPort;
  readonly topics: PreparedTopics;
  readonly tables: ReadonlyMap<string, ReadonlyTable<unknown>>;
  readonly assignment: Assignment;
  readonly tasks: Tasks;
  crash(error: HopCrashedError): void;
}

/**
 * Start-up in the order that keeps every guarantee: state only with exactly-once; topics
 * checked, changelogs and internal topics created; the producer connected; then the consumer
 * joins. On every assignment the owned tasks are reopened (tasks.ts: their offsets read once
 * stable, then their stores restored) before any of their chunks runs. What a
 * chunk does (a handler and its outputs, or a sink's bulk write) comes from `chunks`.
 */
export async function boot(
  plan: BootPlan,
  handles: HopHandles,
  hooks: BootHooks,
  chunks: (parts: RuntimeParts) => ChunkRunner | { readonly runChunk: ChunkRunner; tick?(task: Task): Promise<void> },
): Promise<void> {
  const { config, name, event } = plan;
  const topics = [...plan.inputs.keys()];
  const { signal, log } = hooks;
  const changelogs = event ? changelogNames(event) : [];
  if (changelogs.length > 0 && plan.mode !== 'exactly-once') {
    // A redelivered message would be applied to state twice.
    throw new ConfigError(
      `${config.prefix}_MODE`,
      `hop ${name} keeps state (${changelogs.join(', ')}), which needs exactly-once; it is ${plan.mode}`,
    );
  }
  const step = () => {
    if (hooks.stopping()) throw new Abandon(`hop ${name} stopped while starting`);
  };
  const clientId = config.clientId ?? `${name}-${hostname()}`;
  const port = (plan.kafka ?? kafkajsPort)({ brokers: config.brokers, clientId, compression: config.compression, log });
  const scope = { hop: name, config, signal, log };
  const prepared = await retrying(scope, 'startup', () =>
    prepareTopics(port, {
      group: name,
      inputs: topics,
      outputs: plan.outputs,
      deadLetterTopic: config.deadLetterTopic,
      stores: changelogs,
      tables: Object.values(plan.tables).map((spec) => spec.topic),
    }),
  );
  step();
  // Global tables first: no input is processed before they caught up with their topics.
  const tables = new Map<string, GlobalTable<unknown>>();
  handles.tables = [];
  for (const [table, spec] of Object.entries(plan.tables)) {
    const opened = openGlobalTable(port, {
      topic: spec.topic,
      decode: spec.decode,
      log,
      catchUpTimeoutMs: config.restoreTimeoutMs,
      onError: (e) => hooks.crash(new HopCrashedError(name, 'table', e)),
    });
    tables.set(table, opened);
    handles.tables.push(opened);
  }
  await Promise.all([...tables.values()].map((t) => t.caughtUp));
  step();
  const metrics = new HopMetrics(name);
  const assignment = new Assignment();
  handles.assignment = assignment;
  const owned = (g: number, t: string, p: number) => assignment.current(g, t, p);
  const exactlyOnce = plan.mode === 'exactly-once';
  const delivery = exactlyOnce
    ? new ExactlyOnceDelivery(port, name, owned, prepared.limitOf, scope)
    : new AtLeastOnceDelivery(port, owned, prepared.limitOf, scope);
  handles.delivery = delivery;
  await delivery.start();
  step();
  const tasks = new Tasks({
    ...{
      port,
      group: name,
      inputs: plan.inputs,
      event,
      maxConsecutiveFailures: config.maxConsecutiveFailures,
    },
    ...{ restoreTimeoutMs: config.restoreTimeoutMs, signal, log },
    onError: (e) => hooks.crash(new HopCrashedError(name, 'restore', e)),
  });
  handles.tasks = tasks;
  const consumer = port.groupConsumer({
    group: name,
    topics,
    maxBytes: config.maxBytes,
    maxBytesPerPartition: config.maxBytesPerPartition,
    fetchMinBytes: config.fetchMinBytes,
    fetchMaxWaitMs: config.fetchMaxWaitMs,
    lingerMs: config.lingerMs,
    sessionTimeoutMs: config.sessionTimeoutMs,
    concurrency: config.partitionsConcurrently,
    // The idle policy: a partition with records fetched and not yet handled, or with more on the
    // broker, is behind, not idle, so it holds stream time back (stream-time.ts).
    onFetch: (fetched) => {
      for (const f of fetched) {
        const input = plan.inputs.get(f.topic);
        if (input !== undefined) tasks.get(f.partition)?.setBehind(input, f.hasRecords || f.behindAfter);
      }
    },
    onAssign: (owned) => {
      const partitions = assignment.join(owned);
      log('info', 'partitions assigned', { partitions, generation: assignment.generation });
      tasks.assign(partitions, assignment.generation);
      metrics.forget((t, p) => assignment.owns(t, p));
    },
    onLeave: () => assignment.leave(),
    onCrash: (error) => hooks.crash(new HopCrashedError(name, 'consume', error)),
  });
  handles.consumer = consumer;
  if (config.healthPort !== undefined) handles.health = await startHealthServer(config.healthPort, hooks);
  const tracer = trace.getTracer(TRACER_NAME);
  const crash = (e: HopCrashedError) => hooks.crash(e);
  const made = chunks({
    ...{ name, tracer, config, signal, log, delivery, metrics, port, topics: prepared, tables },
    ...{ assignment, tasks, crash },
  });
  const { runChunk, tick } = typeof made === 'function' ? { runChunk: made, tick: undefined } : made;
  if (tick) {
    // The idle policy needs a clock that runs without input: each task is ticked on its queue.
    handles.ticker = setInterval(
      () => {
        for (const task of tasks.all()) void task.run(() => tick(task)).catch(() => {});
      },
      Math.min(1000, Math.max(50, Math.floor(config.idleMs / 2))),
    );
    handles.ticker.unref();
  }
  const eachBatch = eachBatchHandler({
    ...{ name, config, signal, log, metrics, assignment, tasks, port, runChunk, inputs: plan.inputs },
    checkCommitted: exactlyOnce,
    seek: (t, p, o) => consumer.seek(t, p, o),
    crash,
  });
  step();
  await consumer.start(eachBatch);
  log('info', 'hop started', { mode: plan.mode, topics, clientId });
}
