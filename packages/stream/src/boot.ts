import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { type Consumer, Kafka } from 'kafkajs';
import { Assignment } from './assignment.ts';
import { changelogTopic } from './changelog.ts';
import { Abandon, FailureBreaker } from './control.ts';
import { AtLeastOnceDelivery } from './deliver-at-least-once.ts';
import { ExactlyOnceDelivery } from './deliver-exactly-once.ts';
import type { Delivery } from './delivery.ts';
import { eachBatchHandler } from './each-batch.ts';
import { HopCrashedError } from './errors.ts';
import { type HealthServer, startHealthServer } from './health.ts';
import type { HopOptions } from './hop.ts';
import { createConsumer, kafkaConfig } from './kafka-clients.ts';
import { HopMetrics } from './metrics.ts';
import { prepareTopics } from './prepare-topics.ts';
import { StoreRegistry } from './store-registry.ts';
import { runSuppressed } from './suppress.ts';
import type { InputSpec, Log, OutputSpecs, StoreSpecs } from './types.ts';

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

/**
 * Start-up in the order that keeps every guarantee: topics checked and changelogs created;
 * the producer connected (exactly-once: the transactional id initialized, which fences a
 * predecessor and aborts its open transaction) before anything is restored or consumed; then
 * the consumer joins, and its run loop starts inside a suppressed context.
 */
export async function boot<In, O extends OutputSpecs, S extends StoreSpecs>(
  options: HopOptions<In, O, S>,
  handles: HopHandles,
  hooks: BootHooks,
): Promise<void> {
  const { config, name } = options;
  const { signal, log } = hooks;
  const step = () => {
    if (hooks.stopping()) throw new Abandon(`hop ${name} stopped while starting`);
  };
  const inputs = Array.isArray(options.input) ? options.input : [options.input as InputSpec<In>];
  const topics = inputs.map((i) => i.topic);
  const stores = (options.stores ?? {}) as S;
  const clientId = config.clientId ?? `${name}-${hostname()}`;
  const kafka = new Kafka(kafkaConfig(config, clientId, log));
  await prepareTopics(kafka, {
    inputs: topics,
    outputs: Object.values(options.outputs).map((o) => o.topic),
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
  const mode = options.mode ?? config.mode;
  const delivery =
    mode === 'exactly-once'
      ? new ExactlyOnceDelivery(kafka, config.transactionalId ?? clientId, name, assignment, scope)
      : new AtLeastOnceDelivery(kafka, assignment, scope);
  handles.delivery = delivery;
  await delivery.start();
  step();
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) hooks.crash(new HopCrashedError(name, 'consume', payload.error));
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  step();
  if (config.healthPort !== undefined) handles.health = await startHealthServer(config.healthPort, hooks);
  const eachBatch = eachBatchHandler({
    ...{ name, clientId, tracer: trace.getTracer('@adtrace/stream'), inputs: new Map(inputs.map((i) => [i.topic, i])) },
    ...{
      outputs: options.outputs,
      stores,
      handler: options.handler,
      config,
      signal,
      delivery,
      metrics,
      assignment,
      registry,
    },
    breaker: new FailureBreaker(config.maxConsecutiveFailures),
    crash: (e: HopCrashedError) => hooks.crash(e),
  });
  // The run loop inherits a suppressed context: kafkajs's own client spans stay non-recording.
  const partitionsConsumedConcurrently = config.partitionsConcurrently;
  await runSuppressed(() =>
    consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently, eachBatch }),
  );
  log('info', 'hop started', { mode, topics, clientId });
}
