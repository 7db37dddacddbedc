import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createSink, type Log, toConfig } from '../src/index.ts';
import { payloadCodec } from './support/codecs.ts';
import { kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * A caught-up sink fed one record every 20 ms for ~1.2 s: how many writes it took, and each
 * record written once. The warehouse's topic loader is such a sink (it lingers 500 ms).
 */
async function trickle(lingerMs: number): Promise<{ writes: number; records: number }> {
  const topics = await testTopics(['in', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const seen = new Set<string>();
  let writes = 0;
  let duplicates = 0;
  const sink = createSink({
    name: uniqueGroupId('linger'),
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, lingerMs }),
    input: { topic: topics.names.in, decode: payloadCodec.decode },
    write: async (records) => {
      writes += 1;
      for (const r of records) {
        if (seen.has(r.offset)) duplicates += 1;
        seen.add(r.offset);
      }
    },
  });
  const inputs = makeInputs(60);
  try {
    await sink.start();
    await waitFor('the sink to be ready', () => (sink.ready ? true : undefined));
    for (const input of inputs) {
      await produceInputs(kafka, topics.names.in, [input]);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor('every record written', () => (seen.size === inputs.length ? true : undefined));
  } finally {
    await sink.stop();
  }
  expect(duplicates).toBe(0);
  return { writes, records: seen.size };
}

test('a sink that lingers writes what arrives within its linger together; without, every record or two alone', async () => {
  const lingering = await trickle(400);
  const eager = await trickle(0);
  expect(lingering.records).toBe(60);
  expect(eager.records).toBe(60);
  // ~1.2 s of records (each produce a round trip besides its 20 ms) at most one write per 400 ms,
  // with slack for a slow machine; without the linger a write for nearly every record.
  expect(lingering.writes).toBeLessThanOrEqual(10);
  expect(eager.writes).toBeGreaterThan(2 * lingering.writes);
}, 60_000);
