// Back-pressure: with a slow handler (a slow downstream) and a backlog far larger than the
// runtime's bounds, the memory the hop holds stays bounded — it fetches more only as it
// finishes what it has — and nothing is lost.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type TestTopics, testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, toConfig } from '../src/index.ts';
import { testKafkaClient } from './support/kafka-client.ts';

const MESSAGES = 8000;
const MESSAGE_BYTES = 16 * 1024; // 125 MiB of backlog, incompressible
const MiB = 1024 * 1024;
let topics: TestTopics<'in' | 'out' | 'dlq'>;

beforeAll(async () => {
  topics = await testTopics(['in', 'out', 'dlq'], { partitions: 3 });
  const producer = new Kafka({ brokers: testBrokers(), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  for (let sent = 0; sent < MESSAGES; sent += 50) {
    await producer.send({
      topic: topics.names.in,
      messages: Array.from({ length: 50 }, (_, i) => ({
        key: `k${(sent + i) % 30}`,
        value: randomBytes(MESSAGE_BYTES),
      })),
    });
  }
  await producer.disconnect();
});
afterAll(async () => topics?.cleanup());

// A full collection before each sample, so the samples count live data, not garbage awaiting GC.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Live bytes this process holds in Buffers and on the heap: where fetched and pending messages live. */
const held = (): number => {
  gc();
  const m = process.memoryUsage();
  return m.arrayBuffers + m.heapUsed;
};

test('a slow handler over a large backlog keeps memory bounded and loses nothing', async () => {
  const baseline = held();
  const samples: number[] = [];
  let handled = 0;
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('backpressure'),
    log: () => {},
    config: toConfig({
      brokers: testBrokers(),
      deadLetterTopic: topics.names.dlq,
      batchSize: 50,
      maxBytes: 4 * MiB,
      maxBytesPerPartition: MiB,
      compression: 'none',
    }),
    inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => b } },
    outputs: { out: { topic: topics.names.out, encode: (b: Buffer) => b } },
    handler: async (m) => {
      handled += 1;
      if (handled % 10 === 0) await sleep(5); // a slow downstream: ~0.5 ms per message on average
      return [{ to: 'out' as const, value: m.value }];
    },
  });
  const sampler = setInterval(() => {
    if (handled > 0 && handled < MESSAGES) samples.push(held() - baseline);
  }, 50);
  try {
    await hop.start();
    const deadline = Date.now() + 90_000;
    while (handled < MESSAGES && Date.now() < deadline) await sleep(100);
  } finally {
    clearInterval(sampler);
    await hop.stop();
  }
  expect(handled).toBeGreaterThanOrEqual(MESSAGES);
  const offsets = await topics.admin.fetchTopicOffsets(topics.names.out);
  expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(MESSAGES);
  // Bounded: had the hop read ahead of its handler, or kept what it handled, it would hold
  // most of the 125 MiB backlog; it holds its fetch and in-flight chunks (~20-40 MiB measured).
  expect(samples.length).toBeGreaterThan(15);
  const peakMiB = Math.max(...samples) / MiB;
  const lastThirdMiB = Math.max(...samples.slice(-Math.floor(samples.length / 3))) / MiB;
  console.log(
    `back-pressure: backlog ${(MESSAGES * MESSAGE_BYTES) / MiB} MiB; live growth peak ${peakMiB.toFixed(1)} MiB ` +
      `(last third ${lastThirdMiB.toFixed(1)}) over ${samples.length} samples`,
  );
  expect(peakMiB).toBeLessThan(56);
});
