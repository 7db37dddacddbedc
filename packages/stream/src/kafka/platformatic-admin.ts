import { type Admin, ConfigResourceTypes, ListOffsetTimestamps } from '@platformatic/kafka';
import { portCall } from './platformatic-errors.ts';
import type { AdminPort } from './port.ts';
import { untilStable } from './stable-offsets.ts';

/** The broker default of message.max.bytes, for topics that do not override max.message.bytes. */
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

export function platformaticAdmin(admin: Admin): AdminPort {
  const counts = async (topics: readonly string[]) => {
    const existing = new Set(await portCall(() => admin.listTopics()));
    const wanted = topics.filter((t) => existing.has(t));
    if (wanted.length === 0) return new Map<string, number>();
    const meta = await portCall(() => admin.metadata({ topics: wanted, forceUpdate: true }));
    return new Map(wanted.flatMap((t) => (meta.topics.has(t) ? [[t, meta.topics.get(t)!.partitionsCount]] : [])));
  };
  const offsetsAt = async (topic: string, timestamp: bigint) => {
    const meta = await portCall(() => admin.metadata({ topics: [topic] }));
    const count = meta.topics.get(topic)?.partitionsCount ?? 0;
    const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }));
    const [listed] = await portCall(() => admin.listOffsets({ topics: [{ name: topic, partitions }] }));
    return new Map((listed?.partitions ?? []).map((p) => [p.partitionIndex, p.offset]));
  };
  return {
    listTopics: () => portCall(() => admin.listTopics()),
    partitionCounts: counts,
    async createTopics(topics) {
      for (const { topic, partitions, configs } of topics) {
        const entries = Object.entries(configs ?? {}).map(([name, value]) => ({ name, value }));
        try {
          await portCall(() => admin.createTopics({ topics: [topic], partitions, replicas: -1, configs: entries }));
        } catch (error) {
          // Another instance created it first (kafkajs's createTopics also ignores this).
          if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
        }
      }
      // kafkajs's waitForLeaders: the runtime produces to these topics right away.
      const names = topics.map((t) => t.topic);
      for (let attempt = 0; attempt < 50; attempt++) {
        const meta = await portCall(() => admin.metadata({ topics: names, forceUpdate: true })).catch(() => undefined);
        const ready = meta && names.every((n) => meta.topics.get(n)?.partitions.every((p) => p.leader >= 0));
        if (ready) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async endOffsets(topic) {
      const [low, high] = await Promise.all([
        offsetsAt(topic, ListOffsetTimestamps.EARLIEST),
        offsetsAt(topic, ListOffsetTimestamps.LATEST),
      ]);
      return [...high].map(([partition, h]) => ({ partition, low: String(low.get(partition) ?? 0n), high: String(h) }));
    },
    async committed(group, topic) {
      const meta = await portCall(() => admin.metadata({ topics: [topic] }));
      const count = meta.topics.get(topic)?.partitionsCount ?? 0;
      const partitionIndexes = Array.from({ length: count }, (_, i) => i);
      const groups = [{ groupId: group, topics: [{ name: topic, partitionIndexes }] }];
      const [entry] = await untilStable(() =>
        portCall(() => admin.listConsumerGroupOffsets({ groups, requireStable: true })),
      );
      const found = entry?.topics.find((t) => t.name === topic)?.partitions ?? [];
      return new Map(
        found.map((p) => [p.partitionIndex, { offset: String(p.committedOffset), metadata: p.metadata ?? null }]),
      );
    },
    async maxMessageBytes(topics) {
      const out = new Map<string, number>();
      if (topics.length === 0) return out;
      const described = await portCall(() =>
        admin.describeConfigs({
          resources: topics.map((resourceName) => ({
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName,
            configurationKeys: ['max.message.bytes'],
          })),
        }),
      );
      for (const r of described) {
        const value = Number(r.configs.find((c) => c.name === 'max.message.bytes')?.value);
        out.set(r.resourceName, Number.isFinite(value) && value > 0 ? value : BROKER_DEFAULT_MAX_MESSAGE_BYTES);
      }
      return out;
    },
  };
}
