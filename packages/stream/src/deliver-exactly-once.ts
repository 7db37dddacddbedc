import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import type { Assignment } from './assignment.ts';
import { backoffDelay, sleep } from './backoff.ts';
import { classify } from './classify.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import { compressionOf, createProducer } from './kafka-clients.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { runSuppressed } from './suppress.ts';

/** Failed transactions in a row after which recreating the producer is not going to help. */
const MAX_FAILED_TRANSACTIONS = 10;

/**
 * Read-process-write in one Kafka transaction per chunk: records and the chunk's offsets
 * (`sendOffsets`) commit together or not at all. One transactional producer per instance, so
 * transactions are serialized. kafkajs's transaction failures are designed around: after any
 * failed transaction the producer is thrown away and recreated with the same transactional id
 * (which fences the broken session and aborts what it left open), the chunk is retried, and
 * nothing is committed for a partition this member no longer owns.
 */
export class ExactlyOnceDelivery implements Delivery {
  private producer: Producer | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private failedInARow = 0;
  private readonly kafka: Kafka;
  private readonly transactionalId: string;
  private readonly group: string;
  private readonly assignment: Assignment;
  private readonly scope: RetryScope;

  constructor(kafka: Kafka, transactionalId: string, group: string, assignment: Assignment, scope: RetryScope) {
    this.kafka = kafka;
    this.transactionalId = transactionalId;
    this.group = group;
    this.assignment = assignment;
    this.scope = scope;
  }

  async start(): Promise<void> {
    const producer = createProducer(this.kafka, this.transactionalId);
    await retrying(this.scope, 'startup', () => producer.connect());
    this.producer = producer;
  }

  deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    const run = this.queue.then(() => this.transact(messages, target));
    this.queue = run.catch(() => {});
    return run;
  }

  private async transact(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    const { topic, partition, nextOffset, generation } = target;
    const owned = () => this.assignment.current(generation, topic, partition);
    for (let attempt = 0; ; attempt++) {
      if (!owned()) return 'abandoned';
      const producer = this.producer ?? (await this.recreate());
      const txn = await retrying(this.scope, 'transaction', () => runSuppressed(() => producer.transaction()));
      try {
        const compression = compressionOf(this.scope.config);
        if (messages.length > 0)
          await runSuppressed(() => txn.sendBatch({ topicMessages: messages, acks: -1, compression }));
        if (!owned()) {
          await txn.abort();
          return 'abandoned';
        }
        const topics = [{ topic, partitions: [{ partition, offset: nextOffset }] }];
        await runSuppressed(() => txn.sendOffsets({ consumerGroupId: this.group, topics }));
        await runSuppressed(() => txn.commit());
        this.failedInARow = 0;
        return 'committed';
      } catch (error) {
        await runSuppressed(() => txn.abort()).catch(() => {});
        this.producer = undefined;
        await producer.disconnect().catch(() => {});
        const verdict = classify(error, 'transaction');
        if (verdict.action === 'abandon') return 'abandoned';
        if (verdict.action !== 'retry' || ++this.failedInARow >= MAX_FAILED_TRANSACTIONS) {
          throw new HopCrashedError(this.scope.hop, 'transaction', error);
        }
        if (this.scope.signal.aborted) throw new Abandon(`stopping while transactions fail: ${verdict.reason}`);
        const delay = backoffDelay(attempt, {
          initialMs: this.scope.config.retryInitialMs,
          maxMs: this.scope.config.retryMaxMs,
        });
        this.scope.log('warn', 'transaction failed; recreating the producer', {
          attempt: attempt + 1,
          error: verdict.reason,
        });
        await sleep(delay, this.scope.signal);
      }
    }
  }

  private async recreate(): Promise<Producer> {
    await this.start();
    return this.producer!;
  }

  /** After a drain the queue is idle; after a drain timeout, disconnecting ends a stuck transaction. */
  async stop(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
