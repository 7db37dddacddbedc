import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { changelogTopic, createHop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { type Payload, payloadCodec } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { committedCount, drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * Two inputs, co-partitioned by key, update the same per-key counter. Partition p of both inputs
 * belongs to one serial task, so no two chunks of p run at once: every update sees the one before
 * it, and each key's counts run 1..n without a repeat. (Chunks of two inputs handled concurrently
 * would both read the same count and one update would be lost.) Each input has its own type, and
 * the handler sees which input a record came from.
 */
test('two inputs updating the same key concurrently lose no update', async () => {
  const topics = await testTopics(['clicks', 'views', 'out', 'dlq'], { partitions: 3 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('copart');
  const [clicks, views] = [makeInputs(400, 5), makeInputs(400, 5)];
  await Promise.all([
    produceInputs(kafka, topics.names.clicks, clicks),
    produceInputs(kafka, topics.names.views, views, (x) => `view:${x.i}`),
  ]);
  const seenInputs = new Set<string>();
  const hop = createHop({
    kafka: testKafkaClient(),
    name: group,
    mode: 'exactly-once',
    log,
    config: toConfig({
      brokers: testBrokers(),
      deadLetterTopic: topics.names.dlq,
      batchSize: 10,
      partitionsConcurrently: 6,
    }),
    inputs: {
      clicks: { topic: topics.names.clicks, decode: payloadCodec.decode },
      views: { topic: topics.names.views, decode: (b: Buffer) => ({ view: Number(b.toString().slice(5)) }) },
    },
    outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
    stores: { counts: jsonStore<number>() },
    handler: async (m, ctx) => {
      seenInputs.add(m.input);
      const i = m.input === 'clicks' ? m.value.i : m.value.view; // typed per input
      const counts = ctx.store('counts');
      const key = m.key!.toString();
      const before = counts.get(key) ?? 0;
      await new Promise((r) => setTimeout(r, 1)); // the other input's chunk would run here
      counts.put(key, before + 1);
      return [{ to: 'out', value: { i, count: before + 1 } satisfies Payload }];
    },
  });
  try {
    await hop.start();
    await waitFor(
      'both inputs committed',
      async () => {
        const done =
          (await committedCount(kafka, group, topics.names.clicks)) === clicks.length &&
          (await committedCount(kafka, group, topics.names.views)) === views.length;
        return done ? true : undefined;
      },
      90_000,
    );
    await hop.stop();
    expect([...seenInputs].sort()).toEqual(['clicks', 'views']);
    const outputs = await drainTopic(kafka, topics.names.out);
    expect(outputs).toHaveLength(clicks.length + views.length);
    const byKey = new Map<string, number[]>();
    for (const m of outputs) {
      const key = m.key!.toString();
      byKey.set(key, [...(byKey.get(key) ?? []), payloadCodec.decode(m.value!).count!]);
    }
    for (const [key, counts] of byKey) {
      const n = [...clicks, ...views].filter((x) => x.key === key).length;
      expect(
        counts.sort((a, b) => a - b),
        key,
      ).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    }
  } finally {
    await hop.stop();
    await topics.admin.deleteTopics({ topics: [changelogTopic(group, 'counts')] }).catch(() => {});
    await topics.cleanup();
  }
});
