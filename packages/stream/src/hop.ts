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
import { eachBatchHandler } from './each-batch.ts';
import { HopCrashedError } from './errors.ts';
import { type HealthServer, startHealthServer } from './health.ts';
import { createConsumer, kafkaConfig } from './kafka-clients.ts';
import { jsonLog } from './log.ts';
import { HopMetrics } from './metrics.ts';
import { prepareTopics } from './prepare-topics.ts';
import { StoreRegistry } from './store-registry.ts';
import { runSuppressed } from './suppress.ts';
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
  /** Connects, checks topics, creates changelogs, joins the group and starts consuming. */
  start(): Promise<void>;
  /** Stop fetching, finish and commit the in-flight chunk, close, run onShutdown. Safe to call twice. */
  stop(): Promise<void>;
  /** Settles when the hop has stopped: resolves after a stop, rejects with HopCrashedError after a crash. */
  readonly done: Promise<void>;
  readonly healthPort: number | undefined;
  readonly ready: boolean;
}

export function createHop<In, O extends OutputSpecs, S extends StoreSpecs = Record<never, never>>(
  options: HopOptions<In, O, S>,
): Hop {
  return new HopRuntime(options);
}

class HopRuntime<In, O extends OutputSpecs, S extends StoreSpecs> implements Hop {
  readonly name: string;
  readonly done: Promise<void>;
  private readonly options: HopOptions<In, O, S>;
  private readonly log: Log;
  private readonly abort = new AbortController();
  private settle: [() => void, (e: unknown) => void] = [() => {}, () => {}];
  private starting: Promise<void> | undefined;
  private started = false;
  private stopping: Promise<void> | undefined;
  private crashed: HopCrashedError | undefined;
  private consumer: Consumer | undefined;
  private delivery: Delivery | undefined;
  private health: HealthServer | undefined;
  private assignment: Assignment | undefined;
  private registry: StoreRegistry | undefined;

  constructor(options: HopOptions<In, O, S>) {
    this.options = options;
    this.name = options.name;
    this.log = options.log ?? jsonLog(options.name);
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = [resolve, reject];
    });
    this.done.catch(() => {}); // a crash is reported through done only to those who wait for it
  }

  get healthPort(): number | undefined {
    return this.health?.port;
  }

  get ready(): boolean {
    const joined = this.assignment?.joined ?? false;
    return joined && (this.registry?.allRestored ?? false) && !this.stopping && !this.crashed;
  }

  async start(): Promise<void> {
    if (this.starting) throw new Error(`hop ${this.name} was already started`);
    this.starting = this.boot();
    try {
      await this.starting;
    } catch (error) {
      if (!(error instanceof Abandon))
        this.crash(error instanceof HopCrashedError ? error : new HopCrashedError(this.name, 'startup', error));
      await this.stop();
      throw this.crashed ?? error;
    }
  }

  private async boot(): Promise<void> {
    const { options, log } = this;
    const { config, name } = options;
    const signal = this.abort.signal;
    const step = () => {
      if (this.stopping) throw new Abandon(`hop ${name} stopped while starting`);
    };
    const inputs = Array.isArray(options.input) ? options.input : [options.input as InputSpec<In>];
    const stores = (options.stores ?? {}) as S;
    const clientId = config.clientId ?? `${name}-${hostname()}`;
    const kafka = new Kafka(kafkaConfig(config, clientId, log));
    const outputs = Object.values(options.outputs).map((o) => o.topic);
    const changelogs = Object.keys(stores).map((s) => changelogTopic(name, s));
    const topics = inputs.map((i) => i.topic);
    await prepareTopics(kafka, { inputs: topics, outputs, deadLetterTopic: config.deadLetterTopic, changelogs });
    step();
    const consumer = createConsumer(kafka, name, config);
    this.consumer = consumer;
    const metrics = new HopMetrics(name);
    const onError = (e: unknown) => this.crash(new HopCrashedError(name, 'restore', e));
    const registry = new StoreRegistry(kafka, name, stores, {
      timeoutMs: config.restoreTimeoutMs,
      signal,
      log,
      onError,
    });
    this.registry = registry;
    const assignment = new Assignment(consumer, (partitions) => {
      log('info', 'partitions assigned', { partitions });
      registry.assign(partitions);
      metrics.forget((t, p) => assignment.owns(t, p));
    });
    this.assignment = assignment;
    const scope = { hop: name, config, signal, log };
    const mode = options.mode ?? config.mode;
    this.delivery =
      mode === 'exactly-once'
        ? new ExactlyOnceDelivery(kafka, config.transactionalId ?? clientId, name, assignment, scope)
        : new AtLeastOnceDelivery(kafka, assignment, scope);
    // Exactly-once: connecting initializes the transactional id, fencing a predecessor and
    // aborting its open transaction before anything is restored or consumed.
    await this.delivery.start();
    step();
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.crash(new HopCrashedError(name, 'consume', payload.error));
    });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    step();
    if (config.healthPort !== undefined) {
      this.health = await startHealthServer(config.healthPort, { live: () => !this.crashed, ready: () => this.ready });
    }
    const breaker = new FailureBreaker(config.maxConsecutiveFailures);
    const tracer = trace.getTracer('@adtrace/stream');
    const inputMap = new Map(inputs.map((i) => [i.topic, i]));
    const hopParts = {
      name,
      clientId,
      tracer,
      inputs: inputMap,
      outputs: options.outputs,
      stores,
      handler: options.handler,
    };
    const eachBatch = eachBatchHandler({
      ...hopParts,
      ...{ config, breaker, signal, delivery: this.delivery, metrics, assignment, registry },
      crash: (e: HopCrashedError) => this.crash(e),
    });
    // The run loop inherits a suppressed context: kafkajs's own client spans stay non-recording.
    await runSuppressed(() =>
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: config.partitionsConcurrently,
        eachBatch,
      }),
    );
    this.started = true;
    log('info', 'hop started', { mode, topics, clientId });
  }

  private crash(error: HopCrashedError): void {
    if (this.crashed) return;
    this.crashed = error;
    this.log('error', error.message, { stage: error.stage, cause: error.cause });
    this.abort.abort();
    void this.stop();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { log } = this;
    const quietly = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (error) {
        log('warn', `shutdown: ${what} failed`, { error });
      }
    };
    // Stopped while starting: whatever start is retrying gives up.
    if (!this.started) this.abort.abort();
    await this.starting?.catch(() => {});
    // Past the drain timeout, retries give up and the unfinished chunk stays uncommitted.
    const hard = setTimeout(() => this.abort.abort(), this.options.drainTimeoutMs ?? 30_000);
    await quietly('consumer stop', () => this.consumer?.stop());
    clearTimeout(hard);
    this.abort.abort();
    await quietly('consumer disconnect', () => this.consumer?.disconnect());
    await quietly('producer disconnect', () => this.delivery?.stop());
    await quietly('health server close', () => this.health?.close());
    await quietly('onShutdown', () => this.options.onShutdown?.());
    log('info', 'hop stopped', { crashed: Boolean(this.crashed) });
    if (this.crashed) this.settle[1](this.crashed);
    else this.settle[0]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
