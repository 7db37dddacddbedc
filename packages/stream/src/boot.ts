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
import type { MessageParts } from './failure.ts';
import { type HealthServer, startHealthServer } from './health.ts';
import { kafkajsPort } from './kafka/kafkajs.ts';
import type { GroupConsumerPort, KafkaPort, KafkaPortFactory } from './kafka/port.ts';
import { HopMetrics } from './metrics.ts';
import { type PreparedTopics, prepareTopics } from './prepare-topics.ts';
import { retrying } from './retrying.ts';
import { Tasks } from './tasks.ts';
import type { DeliveryMode, Log, StoreSpecs } from './types.ts';

/** What a running hop holds, filled in as it starts, so a stop can close whatever exists. */
export interface HopHandles {
  consumer?: GroupConsumerPort;
  delivery?: Delivery;
  health?: HealthServer;
  assignment?: Assignment;
  tasks?: Tasks;
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
  readonly topics: readonly string[];
  readonly outputs: readonly { readonly topic: string; readonly partitionsLike?: string }[];
  readonly stores: StoreSpecs;
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
}

/**
 * Start-up in the order that keeps every guarantee: state only with exactly-once; topics
 * checked, changelogs and internal topics created; the producer connected; then the consumer
 * joins. On every assignment the owned tasks are reopened (tasks.ts: exactly-once fences each
 * task's transactional id, then restores its stores) before any of their chunks runs. What a
 * chunk does (a handler and its outputs, or a sink's bulk write) comes from `chunks`.
 */
export async function boot(
  plan: BootPlan,
  handles: HopHandles,
  hooks: BootHooks,
  chunks: (parts: RuntimeParts) => ChunkRunner,
): Promise<void> {
  const { config, name, topics, stores } = plan;
  const { signal, log } = hooks;
  if (Object.keys(stores).length > 0 && plan.mode !== 'exactly-once') {
    // A redelivered message would be applied to state twice.
    throw new ConfigError(
      `${config.prefix}_MODE`,
      `hop ${name} keeps state (${Object.keys(stores).join(', ')}), which needs exactly-once; it is ${plan.mode}`,
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
      stores: Object.keys(stores),
    }),
  );
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
    ...{ port, group: name, stores, delivery, maxConsecutiveFailures: config.maxConsecutiveFailures },
    ...{ restoreTimeoutMs: config.restoreTimeoutMs, signal, log },
    onError: (e) => hooks.crash(new HopCrashedError(name, 'restore', e)),
  });
  handles.tasks = tasks;
  const consumer = port.groupConsumer({
    group: name,
    topics,
    maxBytes: config.maxBytes,
    maxBytesPerPartition: config.maxBytesPerPartition,
    sessionTimeoutMs: config.sessionTimeoutMs,
    concurrency: config.partitionsConcurrently,
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
  const tracer = trace.getTracer('@adtrace/stream');
  const runChunk = chunks({ name, tracer, config, signal, log, delivery, metrics, port, topics: prepared });
  const eachBatch = eachBatchHandler({
    ...{ name, config, signal, metrics, assignment, tasks, port, runChunk },
    checkCommitted: exactlyOnce,
    seek: (t, p, o) => consumer.seek(t, p, o),
    crash: (e) => hooks.crash(e),
  });
  step();
  await consumer.start(eachBatch);
  log('info', 'hop started', { mode: plan.mode, topics, clientId });
}
