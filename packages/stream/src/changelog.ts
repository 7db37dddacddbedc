import type { Admin } from 'kafkajs';
import { ConfigError } from './errors.ts';

export function changelogTopic(group: string, store: string): string {
  return `${group}.${store}.changelog`;
}

/** The partition count every input topic shares; stores need co-partitioned inputs. */
export async function inputPartitions(admin: Admin, topics: readonly string[]): Promise<number> {
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
  const counts = new Set(meta.map((t) => t.partitions.length));
  if (counts.size !== 1) {
    const detail = meta.map((t) => `${t.name}=${t.partitions.length}`).join(', ');
    throw new ConfigError('input', `stateful hops need inputs with one partition count (${detail})`);
  }
  return [...counts][0]!;
}

/**
 * Creates each store's compacted changelog with the inputs' partition count, so changelog
 * partition p holds exactly the state of input partition p. An existing changelog with another
 * count would restore the wrong state: refuse to start.
 */
export async function ensureChangelogs(admin: Admin, topics: readonly string[], partitions: number): Promise<void> {
  if (topics.length === 0) return;
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          // Compaction must not remove a tombstone before a restoring reader can see it.
          { name: 'delete.retention.ms', value: String(24 * 60 * 60 * 1000) },
        ],
      })),
    });
  }
  const { topics: meta } = await admin.fetchTopicMetadata({ topics: [...topics] });
  for (const t of meta) {
    if (t.partitions.length !== partitions) {
      throw new ConfigError(t.name, `changelog has ${t.partitions.length} partitions, the inputs have ${partitions}`);
    }
  }
}
