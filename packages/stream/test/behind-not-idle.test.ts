import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { kafkaFor, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * The idle policy's "quiet is not idle" (stream-time.ts). Two co-partitioned inputs have been
 * quiet for longer than the idle time when one produce request brings records to both: `aNew`
 * (timestamps 100 s later; its topic sorts first, so a fetch holding both hands its batch over
 * first) and `zOld`. `zOld`'s records are fetched and not yet handled while `aNew`'s first
 * chunk runs: it is behind, not idle, and must hold stream time back. Before, the runtime never
 * marked an input behind: `zOld`, quiet past `idleMs`, counted as idle, stream time jumped to
 * `aNew`'s timestamps and every `zOld` record then came late. (In tracking, a conversion was
 * released before the impression it was attributed to was handled, and lost its touch.)
 */
test('an input with records fetched and not yet handled holds stream time back past the idle time', async () => {
  const topics = await testTopics(['aNew', 'zOld', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const t0 = Date.now() - 3_600_000;
  const records = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => ({ key: 'k', value: String(i), timestamp: String(from + i) }));
  const seen: { input: string; timestamp: number; streamTime: number }[] = [];
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('behind'),
    mode: 'exactly-once',
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 5, idleMs: 300 }),
    inputs: {
      aNew: { topic: topics.names.aNew, decode: (b: Buffer) => b.toString() },
      zOld: { topic: topics.names.zOld, decode: (b: Buffer) => b.toString() },
    },
    outputs: {},
    stores: { seen: jsonStore<number>() },
    handler: async (m, ctx) => {
      seen.push({ input: m.input, timestamp: m.timestamp, streamTime: ctx.streamTime });
      if (m.input === 'aNew') await new Promise((r) => setTimeout(r, 40));
    },
  });
  const producer = kafka.producer();
  try {
    await hop.start();
    await producer.connect();
    // Both inputs quiet for several idle times.
    await new Promise((r) => setTimeout(r, 1_500));
    await producer.sendBatch({
      topicMessages: [
        { topic: topics.names.zOld, messages: records(30, t0) },
        { topic: topics.names.aNew, messages: records(30, t0 + 100_000) },
      ],
    });
    await waitFor('both inputs handled', async () => (seen.length >= 60 ? true : undefined), 60_000);
  } finally {
    await producer.disconnect();
    await hop.stop();
    await topics.cleanup();
  }
  const old = seen.filter((s) => s.input === 'zOld');
  expect(old).toHaveLength(30);
  // Stream time reached no `zOld` record's time before that record was handled: none came late.
  expect(old.filter((s) => s.streamTime > s.timestamp)).toEqual([]);
});

/**
 * The same for records in an open transaction: a read_committed fetch stops at the last stable
 * offset and returns nothing of them, so the partition looks quiet, but the broker has them and
 * they come when the transaction commits (delivery writes impressions so, a chunk per
 * transaction; under load one took seconds to commit). `zOld`'s transaction stays open while
 * `aNew` is handled for several idle times; then it commits. Before, `zOld` counted as idle (an
 * empty batch's lag is 0 in kafkajs) and its records came late.
 */
test('an input with records in an open transaction holds stream time back past the idle time', async () => {
  const topics = await testTopics(['aNew', 'zOld', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const t0 = Date.now() - 3_600_000;
  const records = (n: number, from: number) =>
    Array.from({ length: n }, (_, i) => ({ key: 'k', value: String(i), timestamp: String(from + i) }));
  const seen: { input: string; timestamp: number; streamTime: number }[] = [];
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('open-txn'),
    mode: 'exactly-once',
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 5, idleMs: 300 }),
    inputs: {
      aNew: { topic: topics.names.aNew, decode: (b: Buffer) => b.toString() },
      zOld: { topic: topics.names.zOld, decode: (b: Buffer) => b.toString() },
    },
    outputs: {},
    stores: { seen: jsonStore<number>() },
    handler: async (m, ctx) => {
      seen.push({ input: m.input, timestamp: m.timestamp, streamTime: ctx.streamTime });
    },
  });
  const producer = kafka.producer();
  const transactional = kafka.producer({
    transactionalId: `${uniqueGroupId('open-txn')}-writer`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  try {
    await hop.start();
    await Promise.all([producer.connect(), transactional.connect()]);
    const open = await transactional.transaction();
    await open.send({ topic: topics.names.zOld, messages: records(10, t0) });
    // `aNew` flows for three idle times while `zOld`'s records wait in the open transaction.
    for (let i = 0; i < 6; i++) {
      await producer.send({ topic: topics.names.aNew, messages: records(5, t0 + 100_000 + i * 5) });
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor('aNew handled', async () => (seen.length >= 30 ? true : undefined), 30_000);
    await open.commit();
    await waitFor('zOld handled', async () => (seen.length >= 40 ? true : undefined), 30_000);
  } finally {
    await Promise.all([producer.disconnect(), transactional.disconnect()]);
    await hop.stop();
    await topics.cleanup();
  }
  const old = seen.filter((s) => s.input === 'zOld');
  expect(old).toHaveLength(10);
  expect(old.filter((s) => s.streamTime > s.timestamp)).toEqual([]);
});
