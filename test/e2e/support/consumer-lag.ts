// How many records a consumer group has yet to commit, on topics written in transactions too.
// There a partition's end offset counts commit and abort markers, and several producers' markers
// can end it in a row (two stage-one tasks writing one re-keyed partition): a caught-up group's
// committed offset is the end of its last *record*, not the end offset. So a watcher reads the
// topics (read committed) from the beginning and keeps, per partition, the end of the last
// record and how far it has read (markers included, as kafkajs reports a batch's last offset).
import { randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';

export interface ConsumerLag {
  /** Records of `topic` past `group`'s committed offsets; undefined until the watcher has read to the end. */
  behind(group: string, topic: string): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function watchConsumerLag(kafka: Kafka, admin: Admin, topics: readonly string[]): Promise<ConsumerLag> {
  const lastRecordEnd = new Map<string, number>();
  const readThrough = new Map<string, number>();
  const id = (topic: string, partition: number) => `${topic}|${partition}`;
  const watcher = kafka.consumer({ groupId: `lag-watcher-${randomUUID()}`, maxWaitTimeInMs: 100 });
  watcher.on(watcher.events.END_BATCH_PROCESS, ({ payload }) => {
    const key = id(payload.topic, payload.partition);
    readThrough.set(key, Math.max(readThrough.get(key) ?? 0, Number(payload.lastOffset) + 1));
  });
  await watcher.connect();
  await watcher.subscribe({ topics: [...topics], fromBeginning: true });
  await watcher.run({
    eachBatch: async ({ batch }) => {
      const key = id(batch.topic, batch.partition);
      for (const m of batch.messages)
        lastRecordEnd.set(key, Math.max(lastRecordEnd.get(key) ?? 0, Number(m.offset) + 1));
    },
  });
  return {
    async behind(group, topic) {
      const ends = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      let behind = 0;
      for (const { partition, high } of ends) {
        if (Number(high) === 0) continue;
        if ((readThrough.get(id(topic, partition)) ?? 0) < Number(high)) return undefined;
        const done = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
        behind += Math.max(0, (lastRecordEnd.get(id(topic, partition)) ?? 0) - Math.max(0, done));
      }
      return behind;
    },
    stop: () => watcher.disconnect(),
  };
}
