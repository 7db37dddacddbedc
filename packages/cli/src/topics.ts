import { setTimeout as sleep } from 'node:timers/promises';
import { type TopicSpec, topicSpecs } from '@adtrace/schemas';
import type { Admin } from 'kafkajs';
import { withAdmin } from './admin.ts';
import { transientReason } from './transient.ts';

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

/**
 * createTopics on the pipeline's brokers, waiting out a broker that is not ready yet (starting,
 * electing leaders, restarting) for up to `waitMs`; says once that it waits. Other errors throw.
 */
export async function ensureTopics(
  log: (line: string) => void,
  options: { signal?: AbortSignal; waitMs?: number } = {},
): Promise<CreatedTopics> {
  const deadline = Date.now() + (options.waitMs ?? 120_000);
  const created = new Set<string>();
  let said: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const result = await withAdmin((admin) => createTopics(admin));
      for (const name of result.created) created.add(name);
      // A retry after a creation that timed out finds its topics existing: count them as created.
      return { created: [...created], existing: result.existing.filter((n) => !created.has(n)) };
    } catch (err) {
      const reason = transientReason(err);
      if (reason === undefined || Date.now() > deadline) throw err;
      if (reason !== said) log(`waiting for the broker (${reason})`);
      said = reason;
      await sleep(500, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
