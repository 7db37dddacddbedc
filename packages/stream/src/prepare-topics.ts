import type { Kafka } from 'kafkajs';
import { ensureChangelogs, inputPartitions } from './changelog.ts';
import { ConfigError } from './errors.ts';

export interface TopicPlan {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly deadLetterTopic: string;
  readonly changelogs: readonly string[];
}

/**
 * Checks at start-up what would otherwise fail message by message: a missing input, output or
 * dead-letter topic is a config error (kafkajs would retry UNKNOWN_TOPIC_OR_PARTITION forever).
 * Creates the changelogs with the inputs' partition count.
 */
export async function prepareTopics(kafka: Kafka, plan: TopicPlan): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    for (const topic of [...plan.inputs, ...plan.outputs, plan.deadLetterTopic]) {
      if (!existing.has(topic)) throw new ConfigError(topic, 'topic does not exist (create it first: adtrace topics)');
    }
    if (plan.changelogs.length > 0) {
      await ensureChangelogs(admin, plan.changelogs, await inputPartitions(admin, plan.inputs));
    }
  } finally {
    await admin.disconnect();
  }
}
