import { Kafka, logLevel, Partitioners, type Transaction } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, type Log, toConfig } from '../src/index.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { drainTopic, kafkaFor, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * Two exactly-once upstream tasks (two transactional ids) are killed mid-transaction, their
 * records interleaved on one partition; their restarts fence them in the other order than they
 * began, so the log holds B's abort marker before A's although A's records came first. The broker
 * lists a fetch's aborted transactions in the order of their markers; kafkajs 2.2.4 took them
 * for ordered by first offset and let A's first aborted record through (Kafka's own consumer
 * sorts them). Written to every topic a hop reads: an input and a global table.
 */
async function interleavedAbortsThenCommit(brokers: string[], topic: string, prefix: string): Promise<void> {
  const kafka = new Kafka({ clientId: prefix, brokers, logLevel: logLevel.NOTHING });
  const producer = (id: string) =>
    kafka.producer({
      transactionalId: `${prefix}-${id}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  const send = (txn: Transaction, key: string, value: string) =>
    txn.send({ topic, messages: [{ key, value, partition: 0 }] });
  const a = producer('a');
  const b = producer('b');
  await Promise.all([a.connect(), b.connect()]);
  const ta = await a.transaction();
  await send(ta, 'a1', 'aborted-a1');
  const tb = await b.transaction();
  await send(tb, 'b1', 'aborted-b1');
  await send(ta, 'a2', 'aborted-a2');
  // "Killed": neither commits nor aborts. Their successors' initialization aborts them, B's first.
  const b2 = producer('b');
  await b2.connect();
  await (await b2.transaction()).abort();
  const a2 = producer('a');
  await a2.connect();
  const committed = await a2.transaction();
  await send(committed, 'c1', 'committed-c1');
  await committed.commit();
  await Promise.all([a, b, a2, b2].map((p) => p.disconnect()));
}

test('a hop reads only committed records when aborted transactions interleave (inputs and global tables)', async () => {
  const topics = await testTopics(['in', 'table', 'out', 'dlq'], { partitions: 1, compacted: ['table'] });
  const brokers = testBrokers();
  const group = uniqueGroupId('aborted-interleaved');
  await interleavedAbortsThenCommit(brokers, topics.names.in, `${group}-in`);
  await interleavedAbortsThenCommit(brokers, topics.names.table, `${group}-table`);
  const hop = createHop({
    name: group,
    log,
    kafka: testKafkaClient(),
    config: toConfig({ brokers, deadLetterTopic: topics.names.dlq }),
    tables: { table: { topic: topics.names.table, decode: (b: Buffer) => b.toString() } },
    inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => b.toString() } },
    outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    handler: (m, ctx) => {
      const table = ctx.table('table');
      const seen = ['a1', 'a2', 'b1', 'c1'].filter((k) => table.get(k) !== undefined);
      return [{ to: 'out', value: { input: m.value, table: seen } }];
    },
  });
  const kafka = kafkaFor(brokers);
  try {
    await hop.start();
    // At-least-once commits after the outputs are acknowledged: once committed, `out` is complete.
    // The input ends with the committed record and its commit marker: committed past the record.
    await waitFor('the hop to commit its input', async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [{ high }] = await admin.fetchTopicOffsets(topics.names.in);
        const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topics.names.in] });
        return Number(entry?.partitions[0]?.offset) >= Number(high) - 1 ? true : undefined;
      } finally {
        await admin.disconnect();
      }
    });
    const out = await drainTopic(kafka, topics.names.out);
    expect(out.map((m) => JSON.parse(m.value!.toString()))).toEqual([{ input: 'committed-c1', table: ['c1'] }]);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
}, 120_000);
