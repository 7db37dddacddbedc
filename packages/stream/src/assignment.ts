import type { Consumer } from 'kafkajs';

/**
 * What this member owns, from GROUP_JOIN events. kafkajs commits offsets for partitions it no
 * longer owns after a rebalance (kafkajs #1046), so every commit first checks `owns` and that the
 * generation it started in is still the current one.
 */
export class Assignment {
  generation = 0;
  joined = false;
  private owned = new Map<string, ReadonlySet<number>>();

  constructor(consumer: Consumer, onJoin: (partitions: readonly number[]) => void) {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.generation += 1;
      this.owned = new Map(Object.entries(payload.memberAssignment).map(([t, ps]) => [t, new Set(ps)]));
      this.joined = true;
      onJoin(this.partitions());
    });
    const left = () => {
      this.joined = false;
    };
    consumer.on(consumer.events.STOP, left);
    consumer.on(consumer.events.DISCONNECT, left);
    consumer.on(consumer.events.CRASH, left);
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.get(topic)?.has(partition) ?? false;
  }

  /** Whether work started in `generation` on this partition may still be committed. */
  current(generation: number, topic: string, partition: number): boolean {
    return this.joined && generation === this.generation && this.owns(topic, partition);
  }

  /** Partition numbers owned over all input topics (co-partitioned, so the stores' partitions). */
  partitions(): number[] {
    const all = new Set<number>();
    for (const ps of this.owned.values()) for (const p of ps) all.add(p);
    return [...all].sort((a, b) => a - b);
  }
}
