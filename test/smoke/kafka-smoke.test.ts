// Proves kafkajs 2.2.4 works against the broker the harness chose (Kafka 4.1.x locally):
// topics, produce/consume, and a transactional read-process-write with sendOffsets, where an
// aborted transaction stays invisible to a read-committed consumer.
import type { Consumer, EachMessagePayload, KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';

const kafka = testKafka('smoke');
let topics: TestTopics<'plain' | 'input' | 'output'>;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  topics = await testTopics(['plain', 'input', 'output'], { partitions: 2 });
});
afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => {});
  await topics.cleanup();
});

async function connectedProducer(config: Parameters<typeof kafka.producer>[0] = {}): Promise<Producer> {
  const producer = kafka.producer(config);
  await producer.connect();
  closers.push(() => producer.disconnect());
  return producer;
}

/** Reads `topic` from the beginning until `count` messages arrived (or the timeout). */
async function readAll(topic: string, count: number, readUncommitted = false): Promise<KafkaMessage[]> {
  const consumer: Consumer = kafka.consumer({ groupId: uniqueGroupId('reader'), readUncommitted });
  await consumer.connect();
  closers.push(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: KafkaMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} messages on ${topic}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }: EachMessagePayload) => {
        seen.push(message);
        if (seen.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

describe('kafkajs against the real broker', () => {
  it('describes the cluster and lists the test topics', async () => {
    const cluster = await topics.admin.describeCluster();
    expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
    expect(await topics.admin.listTopics()).toEqual(expect.arrayContaining(Object.values(topics.names)));
  });

  it('produces and consumes keyed messages', async () => {
    const producer = await connectedProducer();
    const sent = Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: `v${i}` }));
    await producer.send({ topic: topics.names.plain, acks: -1, messages: sent });
    const got = await readAll(topics.names.plain, sent.length);
    expect(got.map((m) => m.value?.toString()).sort()).toEqual(sent.map((m) => m.value).sort());
  });

  it('runs a transactional read-process-write; an aborted transaction stays invisible', async () => {
    const input = topics.names.input;
    const output = topics.names.output;
    const plain = await connectedProducer();
    await plain.send({ topic: input, acks: -1, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });

    const groupId = uniqueGroupId('rpw');
    const txProducer = await connectedProducer({
      transactionalId: `${groupId}-tx`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    closers.push(() => consumer.disconnect());
    await consumer.subscribe({ topic: input, fromBeginning: true });
    let processed = 0;
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const tx = await txProducer.transaction();
          try {
            await tx.send({
              topic: output,
              messages: batch.messages.map((m) => ({ value: (m.value?.toString() ?? '').toUpperCase() })),
            });
            await tx.sendOffsets({
              consumerGroupId: groupId,
              topics: [
                {
                  topic: batch.topic,
                  partitions: [{ partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }],
                },
              ],
            });
            await tx.commit();
          } catch (err) {
            await tx.abort();
            throw err;
          }
          processed += batch.messages.length;
          if (processed >= 10) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    // The offsets went in with the transaction: the group's committed offsets reach the end.
    const committed = await topics.admin.fetchOffsets({ groupId, topics: [input] });
    const ends = await topics.admin.fetchTopicOffsets(input);
    const sum = (xs: Array<{ offset: string }>) => xs.reduce((n, x) => n + Number(x.offset), 0);
    expect(sum(committed[0]?.partitions ?? [])).toBe(sum(ends));

    // An aborted write, then a committed one.
    const aborted = await txProducer.transaction();
    await aborted.send({ topic: output, messages: [{ value: 'ABORTED' }] });
    await aborted.abort();
    const last = await txProducer.transaction();
    await last.send({ topic: output, messages: [{ value: 'LAST' }] });
    await last.commit();

    const committedView = (await readAll(output, 11)).map((m) => m.value?.toString());
    expect(committedView.sort()).toEqual([...Array.from({ length: 10 }, (_, i) => `M${i}`), 'LAST'].sort());
    // The aborted record was written: a read-uncommitted consumer does see it.
    const uncommittedView = (await readAll(output, 12, true)).map((m) => m.value?.toString());
    expect(uncommittedView).toContain('ABORTED');
  });
});
