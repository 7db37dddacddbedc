import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, type KafkaPortFactory, type Log, type PartitionOffset, toConfig } from '../src/index.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { committedCount, drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * Exactly-once v2: a hop member has one transactional producer, and the chunks its tasks hand
 * over while a transaction is in flight go together in the next one. Over a backlog on three
 * partitions, counted at the port the hop is given (the real client on the real broker, wrapped
 * to count): one transactional producer, fewer transactions than committed chunks, and
 * transactions that commit the offsets of several partitions — and every input out exactly once.
 * With one producer and one transaction per task, each transaction holds one partition's offsets.
 */
test('one transactional producer per member; the chunks of several partitions share a transaction', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 3 });
  const brokers = testBrokers();
  const kafka = kafkaFor(brokers);
  const group = uniqueGroupId('member-txn');
  const inputs = makeInputs(1_500, 30);
  const { counting, transactionalProducers, committedPerTransaction } = countingTransactions();
  await produceInputs(kafka, topics.names.in, inputs);
  const hop = createHop({
    ...relay(counting, group, topics.names),
    config: toConfig({ brokers, deadLetterTopic: topics.names.dlq, batchSize: 20 }),
  });
  try {
    await hop.start();
    await waitFor('every input committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) >= inputs.length ? true : undefined,
    );
    const out = (await drainTopic(kafka, topics.names.out)).map(
      (m) => (JSON.parse(m.value!.toString()) as { i: number }).i,
    );
    expect(out.sort((a, b) => a - b)).toEqual(inputs.map((x) => x.i));

    expect(new Set(transactionalProducers).size).toBe(1);
    const chunks = committedPerTransaction.reduce((n, offsets) => n + offsets.length, 0);
    const shared = committedPerTransaction.filter((offsets) => new Set(offsets.map((o) => o.partition)).size > 1);
    expect(chunks).toBeGreaterThanOrEqual(inputs.length / 20);
    expect(committedPerTransaction.length).toBeLessThan(chunks);
    expect(shared.length).toBeGreaterThan(0);
    console.log(
      `member-transactions: ${chunks} chunks in ${committedPerTransaction.length} transactions (${shared.length} shared)`,
    );
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
}, 120_000);

/**
 * kafkajs hands a fetch's partitions to `partitionsConcurrently` workers and fetches again once
 * all are handled. With fewer workers than the fetch has partitions, the fetch was handled in
 * rounds, each round its own transaction: on six partitions with three workers, no transaction
 * could hold more than three partitions' chunks, and a paced fetch paid two transactions' round
 * trips and broker work (session 17: 4.1–4.5 Kafka requests per event at 300 events/s under
 * `adtrace up`, 3.1 with every fetch's partitions together). By default every partition of a
 * fetch is handled at once, so its chunks share one transaction.
 */
test('by default the chunks of every partition of a fetch share one transaction (six partitions)', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 6 });
  const brokers = testBrokers();
  const kafka = kafkaFor(brokers);
  const group = uniqueGroupId('fetch-txn');
  const inputs = makeInputs(1_200, 60);
  const { counting, committedPerTransaction } = countingTransactions();
  await produceInputs(kafka, topics.names.in, inputs);
  const hop = createHop({
    ...relay(counting, group, topics.names),
    config: toConfig({ brokers, deadLetterTopic: topics.names.dlq, batchSize: 50 }),
  });
  try {
    await hop.start();
    await waitFor('every input committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) >= inputs.length ? true : undefined,
    );
    const partitionsPerTransaction = committedPerTransaction.map((o) => new Set(o.map((x) => x.partition)).size);
    // Three workers could never put more than three partitions' chunks in one transaction.
    expect(Math.max(...partitionsPerTransaction)).toBeGreaterThan(3);
    console.log(`fetch-transactions: partitions per transaction ${partitionsPerTransaction.join(' ')}`);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
}, 120_000);

/** A stateless exactly-once relay in → out on the given port. */
function relay(kafka: KafkaPortFactory, name: string, topics: { in: string; out: string }) {
  return {
    kafka,
    name,
    mode: 'exactly-once' as const,
    log,
    inputs: { in: { topic: topics.in, decode: (b: Buffer) => JSON.parse(b.toString()) as { i: number } } },
    outputs: { out: { topic: topics.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    handler: (m: { value: { i: number } }) => [{ to: 'out' as const, value: { i: m.value.i } }],
  };
}

/** The real client, wrapped to record the transactional producers made and each committed transaction's offsets. */
function countingTransactions() {
  const transactionalProducers: string[] = [];
  const committedPerTransaction: PartitionOffset[][] = [];
  const client = testKafkaClient();
  const counting: KafkaPortFactory = (settings) => {
    const port = client(settings);
    return {
      ...port,
      producer(options = {}) {
        const producer = port.producer(options);
        if (!options.transactionalId) return producer;
        transactionalProducers.push(options.transactionalId);
        return {
          ...producer,
          async transaction() {
            const txn = await producer.transaction();
            let offsets: readonly PartitionOffset[] = [];
            return {
              ...txn,
              async sendOffsets(g, o) {
                offsets = o;
                await txn.sendOffsets(g, o);
              },
              async commit() {
                await txn.commit();
                committedPerTransaction.push([...offsets]);
              },
            };
          },
        };
      },
    };
  };
  return { counting, transactionalProducers, committedPerTransaction };
}
