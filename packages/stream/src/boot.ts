import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { type Consumer, Kafka } from 'kafkajs';
import { Assignment } from './assignment.ts';
import { changelogTopic } from './changelog.ts';
import type { StreamConfig } from './config.ts';
import { Abandon, FailureBreaker } from './control.ts';
import { AtLeastOnceDelivery } from './deliver-at-least-once.ts';
import { ExactlyOnceDelivery } from './deliver-exactly-once.ts';
import type { Delivery } from './delivery.ts';
import { type ChunkRunner, eachBatchHandler } from './each-batch.ts';
import { HopCrashedError } from './errors.ts';
import type { MessageParts } from './failure.ts';
import { type HealthServer, startHealthServer } from './health.ts';
import { createConsumer, kafkaConfig } from './kafka-clients.ts';
import { HopMetrics } from './metrics.ts';
import { prepareTopics } from './prepare-topics.ts';
import { StoreRegistry } from './store-registry.ts';
import { runSuppressed } from './suppress.ts';
import type { DeliveryMode, Log, StoreSpecs } from './types.ts';

/** What a running hop holds, filled in as it starts, so a stop can close whatever exists. */
export interface HopHandles {
  consumer?: Consumer;
  delivery?: Delivery;
  health?: HealthServer;
  assignment?: Assignment;
  registry?: StoreRegistry;
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
  readonly outputTopics: readonly string[];
  readonly stores: StoreSpecs;
  readonly mode: DeliveryMode;
}

/** What every chunk runner gets: the shared clients, metrics and knobs of one running hop. */
export interface RuntimeParts extends MessageParts {
  readonly log: Log;
  readonly delivery: Delivery;
  readonly metrics: HopMetrics;
}

/**
 * Start-up in the order that keeps every guarantee: topics checked and changelogs created;
 * the producer connected (exactly-once: the transactional id initialized, which fences a
 * predecessor and aborts its open transaction) before anything is restored or consumed; then
 * the consumer joins, and its run loop starts inside a suppressed context. What a chunk does
 * (a handler and its outputs, or a sink's bulk write) comes from `chunks`.
 */
export async function boot(
  plan: BootPlan,
  handles: HopHandles,
  hooks: BootHooks,
  chunks: (parts: RuntimeParts) => ChunkRunner,
): Promise<void> {
  const { config, name, topics, stores } = plan;
  const { signal, log } = hooks;
  const step = () => {
    if (hooks.stopping()) throw new Abandon(`hop ${name} stopped while starting`);
  };
  const clientId = config.clientId ?? `${name}-${hostname()}`;
  const kafka = new Kafka(kafkaConfig(config, clientId, log));
  await prepareTopics(kafka, {
    inputs: topics,
    outputs: plan.outputTopics,
    deadLetterTopic: config.deadLetterTopic,
    changelogs: Object.keys(stores).map((s) => changelogTopic(name, s)),
  });
  step();
  const consumer = createConsumer(kafka, name, config);
  handles.consumer = consumer;
  const metrics = new HopMetrics(name);
  const onError = (e: unknown) => hooks.crash(new HopCrashedError(name, 'restore', e));
  const registry = new StoreRegistry(kafka, name, stores, { timeoutMs: config.restoreTimeoutMs, signal, log, onError });
  handles.registry = registry;
  const assignment = new Assignment(consumer, (partitions) => {
    log('info', 'partitions assigned', { partitions });
    registry.assign(partitions);
    metrics.forget((t, p) => assignment.owns(t, p));
  });
  handles.assignment = assignment;
  const scope = { hop: name, config, signal, log };
  const delivery =
    plan.mode === 'exactly-once'
      ? new ExactlyOnceDelivery(kafka, config.transactionalId ?? clientId, name, assignment, scope)
      : new AtLeastOnceDelivery(kafka, assignment, scope);
  handles.delivery = delivery;
  await delivery.start();
  step();
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) hooks.crash(new HopCrashedError(name, 'consume', payload.error));
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...topics], fromBeginning: true });
  step();
  if (config.healthPort !== undefined) handles.health = await startHealthServer(config.healthPort, hooks);
  const tracer = trace.getTracer('@adtrace/stream');
  const breaker = new FailureBreaker(config.maxConsecutiveFailures);
  const runChunk = chunks({ name, clientId, tracer, config, signal, log, delivery, metrics, breaker });
  const crash = (e: HopCrashedError) => hooks.crash(e);
  const eachBatch = eachBatchHandler({ name, config, signal, metrics, assignment, registry, crash, runChunk });
  // The run loop inherits a suppressed context: kafkajs's own client spans stay non-recording.
  const partitionsConsumedConcurrently = config.partitionsConcurrently;
  await runSuppressed(() =>
    consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently, eachBatch }),
  );
  log('info', 'hop started', { mode: plan.mode, topics, clientId });
}
