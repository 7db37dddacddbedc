import type { Kafka, Offsets, Producer, TopicMessages } from 'kafkajs';
import type { Assignment } from './assignment.ts';
import { Coalescer } from './coalescer.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import { compressionOf, createProducer } from './kafka-clients.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { runSuppressed } from './suppress.ts';

type Commit = { readonly target: ChunkTarget };

/**
 * A chunk's records (outputs, dead letters, changelog writes) are produced and acknowledged by
 * all in-sync replicas; only then are its offsets committed, and only while this member still
 * owns the partition in the generation the chunk was read in. A crash between the two
 * redelivers the chunk: duplicates, never loss. Concurrent partitions share produce requests
 * and commits (coalescer.ts): the idempotent producer allows one request in flight anyway.
 */
export class AtLeastOnceDelivery implements Delivery {
  private readonly producer: Producer;
  private readonly assignment: Assignment;
  private readonly scope: RetryScope;
  private readonly sends: Coalescer<TopicMessages[]>;
  private readonly commits: Coalescer<Commit>;

  constructor(kafka: Kafka, assignment: Assignment, scope: RetryScope) {
    this.producer = createProducer(kafka);
    this.assignment = assignment;
    this.scope = scope;
    const compression = compressionOf(scope.config);
    this.sends = new Coalescer((all) =>
      runSuppressed(() => this.producer.sendBatch({ topicMessages: all.flat(), acks: -1, compression })).then(() => {}),
    );
    this.commits = new Coalescer((all) => all[0]!.target.commit(latestOffsets(all)));
  }

  async start(): Promise<void> {
    await retrying(this.scope, 'startup', () => this.producer.connect());
  }

  async deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    if (messages.length > 0) await retrying(this.scope, 'produce', () => this.sends.submit(messages));
    const written = messages.length > 0 ? 'written' : 'abandoned';
    if (!this.assignment.current(target.generation, target.topic, target.partition)) return written;
    try {
      await retrying(this.scope, 'commit', () => this.commits.submit({ target }));
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

/** One commit for many chunks: the highest next offset per partition. */
function latestOffsets(commits: readonly Commit[]): Offsets {
  const best = new Map<string, ChunkTarget>();
  for (const { target } of commits) {
    const id = `${target.topic}/${target.partition}`;
    const seen = best.get(id);
    if (!seen || BigInt(target.nextOffset) > BigInt(seen.nextOffset)) best.set(id, target);
  }
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const t of best.values())
    byTopic.set(t.topic, [...(byTopic.get(t.topic) ?? []), { partition: t.partition, offset: t.nextOffset }]);
  return { topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })) };
}
