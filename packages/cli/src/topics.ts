import { type TopicSpec, topicSpecs } from '@adtrace/schemas';
import type { Admin } from 'kafkajs';

export interface CreatedTopics {
  readonly created: string[];
  readonly existing: string[];
}

/** Creates the topics that do not exist yet, waiting for their leaders; existing ones are left as they are. */
export async function createTopics(admin: Admin, specs: readonly TopicSpec[] = topicSpecs): Promise<CreatedTopics> {
  const existingNames = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existingNames.has(s.name));
  if (missing.length > 0) {
    // One replica on a one-broker cluster, three where the cluster has them.
    const { brokers } = await admin.describeCluster();
    const replicationFactor = Math.min(3, brokers.length);
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.name,
        numPartitions: s.partitions,
        replicationFactor,
        configEntries: [
          { name: 'cleanup.policy', value: s.cleanupPolicy },
          ...(s.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(s.retentionMs) }] : []),
        ],
      })),
    });
  }
  return {
    created: missing.map((s) => s.name),
    existing: specs.filter((s) => existingNames.has(s.name)).map((s) => s.name),
  };
}
