/**
 * What this member owns, per assignment generation. A rebalance can take a partition away while
 * its chunk is in flight, so every commit first checks that the generation the chunk was read in
 * is still the current one and still owns the partition (kafkajs also commits for partitions lost
 * in a rebalance, kafkajs #1046); exactly-once also relies on the broker fencing (tasks.ts).
 */
export class Assignment {
  generation = 0;
  joined = false;
  private owned = new Map<string, ReadonlySet<number>>();

  /** A new assignment: returns the partition numbers owned over all inputs. */
  join(assignment: ReadonlyMap<string, readonly number[]>): number[] {
    this.generation += 1;
    this.owned = new Map([...assignment].map(([t, ps]) => [t, new Set(ps)]));
    this.joined = true;
    return this.partitions();
  }

  leave(): void {
    this.joined = false;
  }

  owns(topic: string, partition: number): boolean {
    return this.owned.get(topic)?.has(partition) ?? false;
  }

  /** Whether work started in `generation` on this partition may still be committed. */
  current(generation: number, topic: string, partition: number): boolean {
    return this.joined && generation === this.generation && this.owns(topic, partition);
  }

  /** Partition numbers owned over all input topics (co-partitioned: the tasks). */
  partitions(): number[] {
    const all = new Set<number>();
    for (const ps of this.owned.values()) for (const p of ps) all.add(p);
    return [...all].sort((a, b) => a - b);
  }
}
