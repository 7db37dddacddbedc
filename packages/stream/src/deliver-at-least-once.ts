import { Coalescer } from './coalescer.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import type { KafkaPort, PartitionOffset, ProducerPort, TopicMessages } from './kafka/port.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { sendInParts } from './send-parts.ts';

type Commit = { readonly target: ChunkTarget };

/**
 * A chunk's records (outputs, dead letters) are produced and acknowledged by all in-sync
 * replicas; only then are its offsets committed, and only while this member still owns the
 * partition in the generation the chunk was read in. A crash between the two redelivers the
 * chunk: duplicates, never loss — which is why a hop with state must run exactly-once. Concurrent
 * partitions share produce requests and commits (coalescer.ts): the idempotent producer allows
 * one request in flight anyway.
 */
export class AtLeastOnceDelivery implements Delivery {
  private readonly producer: ProducerPort;
  private readonly owned: (generation: number, topic: string, partition: number) => boolean;
  private readonly scope: RetryScope;
  private readonly sends: Coalescer<TopicMessages[]>;
  private readonly commits: Coalescer<Commit>;

  constructor(
    port: KafkaPort,
    owned: (generation: number, topic: string, partition: number) => boolean,
    limitOf: (topic: string) => number,
    scope: RetryScope,
  ) {
    this.producer = port.producer();
    this.owned = owned;
    this.scope = scope;
    this.sends = new Coalescer((all) => sendInParts((b) => this.producer.send(b), all.flat(), limitOf));
    this.commits = new Coalescer(async (all) => {
      const batch = all.find((c) => c.target.batch)?.target.batch;
      if (batch) await batch.commit(latestOffsets(all));
    });
  }

  async start(): Promise<void> {
    await retrying(this.scope, 'startup', () => this.producer.connect());
  }

  async deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    if (messages.length > 0) await retrying(this.scope, 'produce', () => this.sends.submit(messages));
    const written = messages.length > 0 ? 'written' : 'abandoned';
    if (!this.owned(target.generation, target.topic, target.partition)) return written;
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
function latestOffsets(commits: readonly Commit[]): PartitionOffset[] {
  const best = new Map<string, ChunkTarget>();
  for (const { target } of commits) {
    const id = `${target.topic}/${target.partition}`;
    const seen = best.get(id);
    if (!seen || BigInt(target.nextOffset) > BigInt(seen.nextOffset)) best.set(id, target);
  }
  return [...best.values()].map(({ topic, partition, nextOffset }) => ({ topic, partition, offset: nextOffset }));
}
