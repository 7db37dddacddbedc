import type { GroupPartitionsAssigner } from '@platformatic/kafka';

/**
 * The leader's assignment on @platformatic/kafka, as co-partitioned-assigner.ts is on kafkajs:
 * partition p of every input topic goes to the same member (members sorted, p modulo their
 * count), so state keyed like the inputs stays partition-local when a hop joins several topics.
 */
export const coPartitioned: GroupPartitionsAssigner = (_current, members, topics, metadata) => {
  const ids = [...members.keys()].sort();
  const out = ids.map((memberId) => ({
    memberId,
    assignments: new Map<string, { topic: string; partitions: number[] }>(),
  }));
  for (const topic of topics) {
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0;
    for (let p = 0; p < count; p++) {
      const member = out[p % ids.length]!;
      const entry = member.assignments.get(topic) ?? { topic, partitions: [] };
      entry.partitions.push(p);
      member.assignments.set(topic, entry);
    }
  }
  return out;
};
