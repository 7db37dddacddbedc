import { randomUUID } from 'node:crypto';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { inject } from 'vitest';

/** The brokers the global setup chose for this run. */
export function testBrokers(): string[] {
  return inject('kafkaBrokers');
}

export function testKafka(clientId = 'adtrace-test'): Kafka {
  return new Kafka({ clientId, brokers: testBrokers(), logLevel: logLevel.NOTHING });
}

export function uniqueGroupId(label = 'group'): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

export interface TestTopics<K extends string> {
  /** The per-test topic name for each label. */
  readonly names: Record<K, string>;
  readonly admin: Admin;
  /** Deletes the topics and disconnects; safe to call twice. */
  cleanup(): Promise<void>;
}

/**
 * Fresh topics for one test (or one file), named `test.<label>.<random>`, so tests never see
 * each other's messages; `cleanup` deletes them.
 *
 * Never deleted by time (`retention.ms=-1`): tests write records stamped with fixed event times
 * (the aggregation scenario's are from 2026-11-20), and the broker deletes a segment once its
 * newest timestamp is older than the retention (24 h on adtrace's own broker, 7 days by
 * default), at a check every 5 minutes. A check during a test wiped its input: the consumer
 * found nothing left to read (kafkajs then resets to the log end and commits offset −2), or
 * the part not yet read was gone.
 */
export async function testTopics<K extends string>(
  labels: readonly K[],
  options: { partitions?: number; compacted?: readonly K[]; namespace?: string } = {},
): Promise<TestTopics<K>> {
  const admin = testKafka('adtrace-test-admin').admin();
  await admin.connect();
  const suffix = randomUUID().slice(0, 8);
  // With a namespace, `<namespace>.<label>`: a pipeline's own names (ADTRACE_TOPIC_NAMESPACE), for
  // code that reads its default topics.
  const nameOf = (l: K) => (options.namespace ? `${options.namespace}.${l}` : `test.${l}.${suffix}`);
  const names = Object.fromEntries(labels.map((l) => [l, nameOf(l)])) as Record<K, string>;
  // Not kafkajs's waitForLeaders: it gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded KRaft
  // broker answers for a moment after creating a topic, before its metadata has caught up.
  await admin.createTopics({
    topics: labels.map((l) => ({
      topic: names[l],
      numPartitions: options.partitions ?? 3,
      replicationFactor: 1,
      configEntries: [
        { name: 'retention.ms', value: '-1' },
        ...(options.compacted?.includes(l) ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
      ],
    })),
  });
  await waitForLeaders(admin, Object.values(names));
  let done = false;
  return {
    names,
    admin,
    async cleanup() {
      if (done) return;
      done = true;
      await admin.deleteTopics({ topics: Object.values(names) }).catch(() => {});
      await admin.disconnect();
    },
  };
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const led = await admin.fetchTopicMetadata({ topics }).then(
      ({ topics: found }) =>
        found.length === topics.length &&
        found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      (error: unknown) => {
        if (Date.now() > deadline) throw error;
        return false;
      },
    );
    if (led) return;
    if (Date.now() > deadline) throw new Error(`no leaders for ${topics.join(', ')} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
