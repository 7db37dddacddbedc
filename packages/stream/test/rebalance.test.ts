import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { changelogTopic, createHop, type Hop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { payloadCodec } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { drainTopic, header, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const assigned: { instance: string; partitions: number[] }[] = [];
const logFor =
  (instance: string): Log =>
  (level, message, fields) => {
    if (message === 'partitions assigned') assigned.push({ instance, partitions: fields?.partitions as number[] });
    if (level === 'error') console.error(message, fields);
  };

/**
 * A second instance joins the group mid-stream: partitions move, the new owner restores their
 * stores from the changelog, and the old owner stops committing for what it lost. Exactly-once
 * with a counting store: every key's counts must run 1..n once each across both instances.
 */
test('partitions that move to a new instance keep their state and their outputs exactly once', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 4 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('rebalance');
  const makeHop = (instance: string) =>
    createHop({
      kafka: testKafkaClient(),
      name: group,
      mode: 'exactly-once',
      log: logFor(instance),
      config: toConfig({
        brokers: testBrokers(),
        clientId: `${group}-${instance}`,
        deadLetterTopic: topics.names.dlq,
        batchSize: 10,
        sessionTimeoutMs: 6000,
      }),
      inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
      outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
      stores: { counts: jsonStore<number>() },
      handler: async (m, ctx) => {
        await new Promise((r) => setTimeout(r, 1)); // keeps work in flight when the group rebalances
        const counts = ctx.store('counts');
        const key = m.key!.toString();
        const count = (counts.get(key) ?? 0) + 1;
        counts.put(key, count);
        return [{ to: 'out', value: { i: m.value.i, count } }];
      },
    });
  const inputs = makeInputs(1200, 8);
  await produceInputs(kafka, topics.names.in, inputs.slice(0, 600));
  const hops: Hop[] = [];
  try {
    hops.push(makeHop('a'));
    await hops[0]!.start();
    await waitFor('first outputs', async () =>
      (await drainTopic(kafka, topics.names.out)).length >= 100 ? true : undefined,
    );
    hops.push(makeHop('b'));
    await hops[1]!.start();
    await produceInputs(kafka, topics.names.in, inputs.slice(600));
    await waitFor('both instances ready', () => (hops.every((h) => h.ready) ? true : undefined));
    const outputs = await waitFor(
      'all outputs',
      async () => {
        const got = await drainTopic(kafka, topics.names.out);
        return got.length >= inputs.length ? got : undefined;
      },
      60_000,
    );
    await Promise.all(hops.map((h) => h.stop()));
    // The group really rebalanced: a owned all four partitions, then shared them with b.
    expect(assigned[0]).toEqual({ instance: 'a', partitions: [0, 1, 2, 3] });
    const last = (instance: string) => assigned.filter((a) => a.instance === instance).at(-1)!.partitions;
    expect([...last('a'), ...last('b')].sort()).toEqual([0, 1, 2, 3]);
    expect(last('b').length).toBe(2);
    expect(new Set(outputs.map((m) => header(m.headers, 'adtrace.event-id'))).size).toBe(inputs.length);
    expect(outputs).toHaveLength(inputs.length);
    for (let k = 0; k < 8; k++) {
      const key = `user-${k}`;
      const counts = outputs
        .filter((m) => m.key!.toString() === key)
        .map((m) => payloadCodec.decode(m.value!).count!)
        .sort((a, b) => a - b);
      expect(counts, key).toEqual(Array.from({ length: inputs.length / 8 }, (_, i) => i + 1));
    }
  } finally {
    await Promise.all(hops.map((h) => h.stop()));
    await topics.admin.deleteTopics({ topics: [changelogTopic(group, 'counts')] }).catch(() => {});
    await topics.cleanup();
  }
});
