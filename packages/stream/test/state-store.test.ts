import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { changelogTopic, createHop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { type Payload, payloadCodec } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

type Counted = Payload & { reset?: boolean; key?: string };

test('a hop with stores configured at-least-once does not start: a redelivered message would be applied twice', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 3 });
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('store-alo'),
    log: () => {},
    config: toConfig({ prefix: 'AUCTION', brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
    outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
    stores: { counts: jsonStore<number>() },
    handler: () => {},
  });
  try {
    const failure = await hop.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(String(failure)).toMatch(
      /AUCTION_MODE: .*keeps state \(counts\), which needs exactly-once; it is at-least-once/,
    );
    await expect(hop.done).rejects.toThrow(/AUCTION_MODE/);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});

describe.each(['exactly-once'] as const)('a state store, %s', (mode) => {
  test('is restored from its compacted changelog when a new instance takes over; tombstones delete', async () => {
    const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 3 });
    const kafka = kafkaFor(testBrokers());
    const group = uniqueGroupId('store');
    const changelog = changelogTopic(group, 'counts');
    const startHop = async () => {
      const hop = createHop({
        kafka: testKafkaClient(),
        name: group,
        mode,
        log,
        config: toConfig({
          brokers: testBrokers(),
          deadLetterTopic: topics.names.dlq,
          batchSize: 7,
        }),
        inputs: { in: { topic: topics.names.in, decode: (b) => payloadCodec.decode(b) as Counted } },
        outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
        stores: { counts: jsonStore<number>() },
        handler: (m, ctx) => {
          const counts = ctx.store('counts');
          const key = m.key!.toString();
          if (m.value.reset) return void counts.delete(key);
          const count = (counts.get(key) ?? 0) + 1;
          counts.put(key, count);
          return [{ to: 'out', value: { i: m.value.i, count } }];
        },
      });
      await hop.start();
      return hop;
    };
    const waitOutputs = (n: number) =>
      waitFor(`${n} outputs`, async () => {
        const got = await drainTopic(kafka, topics.names.out);
        return got.length >= n ? got : undefined;
      });
    const hops = [] as Awaited<ReturnType<typeof startHop>>[];
    try {
      // Phase one: 6 keys × 10 messages; the key "user-0" is then reset (a tombstone).
      const first = makeInputs(60, 6);
      await produceInputs(kafka, topics.names.in, first);
      await produceInputs(kafka, topics.names.in, [{ ...makeInputs(1)[0]!, key: 'user-0' }], () =>
        JSON.stringify({ i: -1, reset: true }),
      );
      hops.push(await startHop());
      await waitOutputs(60);
      await hops[0]!.stop();

      const { resources } = await topics.admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: changelog, configNames: ['cleanup.policy'] }],
      });
      expect(resources[0]?.configEntries[0]?.configValue).toBe('compact');
      const [meta] = (await topics.admin.fetchTopicMetadata({ topics: [changelog] })).topics;
      expect(meta?.partitions).toHaveLength(3);

      // Phase two: a new instance restores the counts and continues them.
      const second = makeInputs(30, 6);
      await produceInputs(kafka, topics.names.in, second);
      hops.push(await startHop());
      const outputs = await waitOutputs(90);
      await hops[1]!.stop();
      expect(outputs).toHaveLength(90);
      // Counts per key over both phases: restored state continues them, the tombstone restarts user-0.
      const counts = (key: string) =>
        outputs
          .filter((m) => m.key!.toString() === key)
          .map((m) => payloadCodec.decode(m.value!).count!)
          .sort((a, b) => a - b);
      const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      for (const key of ['user-1', 'user-2', 'user-3', 'user-4', 'user-5']) expect(counts(key), key).toEqual(upTo(15));
      expect(counts('user-0')).toEqual([...upTo(10), ...upTo(5)].sort((a, b) => a - b));
    } finally {
      for (const hop of hops) await hop.stop();
      await topics.admin.deleteTopics({ topics: [changelog] }).catch(() => {});
      await topics.cleanup();
    }
  });
});
