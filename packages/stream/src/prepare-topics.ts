import { changelogTopic } from './changelog.ts';
import { ConfigError } from './errors.ts';
import type { AdminPort, KafkaPort } from './kafka/port.ts';

export interface TopicPlan {
  readonly group: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly { readonly topic: string; readonly partitionsLike?: string }[];
  readonly deadLetterTopic: string;
  readonly stores: readonly string[];
  /** Global tables' topics: a missing one would otherwise crash the table reader after its retries, naming no config. */
  readonly tables: readonly string[];
}

/** What start-up learned about the topics: each output's (and the dead-letter topic's) record size limit. */
export interface PreparedTopics {
  limitOf(topic: string): number;
}

/**
 * Checks at start-up what would otherwise fail message by message: a missing input, output, table or
 * dead-letter topic is a config error (the client would retry UNKNOWN_TOPIC_OR_PARTITION
 * forever); co-partitioned inputs of a stateful hop must share a partition count. Creates the
 * stores' changelogs (compacted, the inputs' partition count, so changelog partition p holds
 * exactly task p's state) and re-keyed outputs' internal topics (the partition count of the topic
 * they will be joined with); an existing one with another count would misroute: refuse to start.
 */
export async function prepareTopics(port: KafkaPort, plan: TopicPlan): Promise<PreparedTopics> {
  return port.admin(async (admin) => {
    const existing = new Set(await admin.listTopics());
    const plain = plan.outputs.filter((o) => !o.partitionsLike).map((o) => o.topic);
    for (const topic of [...plan.inputs, ...plain, plan.deadLetterTopic, ...plan.tables]) {
      if (!existing.has(topic)) throw new ConfigError(topic, 'topic does not exist (create it first: adtrace topics)');
    }
    const wanted = new Map<string, { partitions: number; configs: Record<string, string> }>();
    if (plan.stores.length > 0) {
      const partitions = await inputPartitions(admin, plan.inputs);
      const configs = { 'cleanup.policy': 'compact', 'delete.retention.ms': String(24 * 60 * 60 * 1000) };
      for (const s of plan.stores) wanted.set(changelogTopic(plan.group, s), { partitions, configs });
    }
    for (const { topic, partitionsLike } of plan.outputs) {
      if (!partitionsLike) continue;
      const count = (await admin.partitionCounts([partitionsLike])).get(partitionsLike);
      if (count === undefined)
        throw new ConfigError(partitionsLike, `topic does not exist (${topic} is partitioned like it)`);
      wanted.set(topic, { partitions: count, configs: {} });
    }
    const missing = [...wanted].filter(([t]) => !existing.has(t));
    await admin.createTopics(missing.map(([topic, { partitions, configs }]) => ({ topic, partitions, configs })));
    const counts = await admin.partitionCounts([...wanted.keys()]);
    for (const [topic, { partitions }] of wanted) {
      if (counts.get(topic) !== partitions) {
        throw new ConfigError(
          topic,
          `has ${counts.get(topic)} partitions where ${partitions} are needed to stay co-partitioned`,
        );
      }
    }
    const limits = await admin.maxMessageBytes([...plan.outputs.map((o) => o.topic), plan.deadLetterTopic]);
    return { limitOf: (topic) => limits.get(topic) ?? 1_048_588 };
  });
}

/** The partition count every input topic shares; stores need co-partitioned inputs. */
async function inputPartitions(admin: AdminPort, topics: readonly string[]): Promise<number> {
  const counts = await admin.partitionCounts(topics);
  if (new Set(counts.values()).size !== 1) {
    const detail = [...counts].map(([t, n]) => `${t}=${n}`).join(', ');
    throw new ConfigError('input', `stateful hops need inputs with one partition count (${detail})`);
  }
  return [...counts.values()][0]!;
}
