import type { Kafka, Producer, TopicMessages } from 'kafkajs';
import type { Assignment } from './assignment.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import { compressionOf, createProducer } from './kafka-clients.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { runSuppressed } from './suppress.ts';

/**
 * One produce request per chunk (outputs, dead letters, changelog writes), awaited until all
 * in-sync replicas have it; only then the chunk's offsets are committed, and only while this
 * member still owns the partition in the generation the chunk was read in. A crash between the
 * two redelivers the chunk: duplicates, never loss.
 */
export class AtLeastOnceDelivery implements Delivery {
  private readonly producer: Producer;
  private readonly assignment: Assignment;
  private readonly scope: RetryScope;

  constructor(kafka: Kafka, assignment: Assignment, scope: RetryScope) {
    this.producer = createProducer(kafka);
    this.assignment = assignment;
    this.scope = scope;
  }

  async start(): Promise<void> {
    await retrying(this.scope, 'startup', () => this.producer.connect());
  }

  async deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    const { topic, partition, generation } = target;
    if (messages.length > 0) {
      const compression = compressionOf(this.scope.config);
      await retrying(this.scope, 'produce', () =>
        runSuppressed(() => this.producer.sendBatch({ topicMessages: messages, acks: -1, compression })),
      );
    }
    const written = messages.length > 0 ? 'written' : 'abandoned';
    if (!this.assignment.current(generation, topic, partition)) return written;
    try {
      await retrying(this.scope, 'commit', () => target.commit());
    } catch (error) {
      if (error instanceof Abandon) return written;
      throw error;
    }
    return 'committed';
  }

  async stop(): Promise<void> {
    await this.producer.disconnect();
  }
}
