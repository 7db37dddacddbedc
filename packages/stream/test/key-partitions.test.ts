import { randomBytes, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestTopics, testBrokers, testTopics } from '../../../test/support/kafka.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { kafkaFor } from './support/kafka-io.ts';

const require = createRequire(import.meta.url);
/** kafkajs's stock murmur2 (Long arithmetic), which kafkajs checks against the Java client's. */
const stockMurmur2: (key: string | Buffer) => number = require('kafkajs/src/producer/partitioners/default/murmur2.js');
const PARTITIONS = 7;

let topics: TestTopics<'keyed'>;
beforeAll(async () => {
  topics = await testTopics(['keyed'], { partitions: PARTITIONS });
});
afterAll(() => topics?.cleanup());

/**
 * A keyed record lands where the Java client would put it (murmur2 of the key's bytes, positive,
 * modulo the partitions): the runtime's inputs, state and outputs are co-partitioned by key
 * with every other client's. The ports hash with packages/stream/src/kafka/murmur2.ts; checked
 * here on the broker against kafkajs's stock hash, for ASCII, UTF-8 and binary keys.
 */
test("the port's producer puts each keyed record on the Java client's partition for its key", async () => {
  const keys: (string | Buffer)[] = [];
  for (let i = 0; i < 60; i++) keys.push(randomUUID(), `café-${i}-€`, randomBytes(1 + (i % 20)));
  const port = testKafkaClient()({
    brokers: testBrokers(),
    clientId: 'key-partitions',
    compression: 'none',
    log: () => {},
  });
  const producer = port.producer();
  await producer.connect();
  await producer.send([
    { topic: topics.names.keyed, messages: keys.map((key, n) => ({ key, value: String(n), headers: {} })) },
  ]);
  await producer.disconnect();

  const landed = new Map<string, number>(); // value (the key's index) → partition
  const consumer = kafkaFor(testBrokers()).consumer({
    groupId: `key-partitions-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.names.keyed, fromBeginning: true });
  const all = new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) landed.set(String(m.value), batch.partition);
        if (landed.size === keys.length) resolve();
      },
    });
  });
  await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error('not all read')), 30_000))]);
  await consumer.disconnect();

  const partitionsUsed = new Set(landed.values());
  expect(partitionsUsed.size).toBe(PARTITIONS);
  for (const [n, key] of keys.entries()) {
    const expected = (stockMurmur2(key) & 0x7fffffff) % PARTITIONS;
    expect(landed.get(String(n)), `key ${JSON.stringify(key)}`).toBe(expected);
  }
});
