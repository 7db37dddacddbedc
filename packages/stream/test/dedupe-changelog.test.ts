// The de-duplication store's changelog holds a chunk's keys in one record (dedupe-segments.ts),
// not a record per message: on a real broker, a hop's changelog stays a few records per chunk,
// a new instance restores every key from them (duplicates of earlier events are still dropped),
// and once stream time passes the keys' expiry each segment gets its tombstone.
import { Partitioners } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { SEGMENT_PREFIX } from '../src/dedupe-segments.ts';
import { DEDUPE_STORE } from '../src/event-state.ts';
import { changelogTopic, createHop, type Hop, type Log, toConfig } from '../src/index.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { drainTopic, kafkaFor, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

const TTL_MS = 10_000;

test('de-duplication keys go to the changelog a chunk at a time, restore whole, and are tombstoned by segment', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('dedupe-segments');
  const changelog = changelogTopic(group, DEDUPE_STORE);
  const t0 = Date.now() - 60_000;
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const send = (ids: string[], ts: number) =>
    producer.send({
      topic: topics.names.in,
      messages: ids.map((id) => ({ key: id, value: JSON.stringify({ id }), timestamp: String(ts) })),
    });
  const makeHop = () =>
    createHop({
      kafka: testKafkaClient(),
      name: group,
      mode: 'exactly-once',
      log,
      config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 100 }),
      inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => JSON.parse(b.toString()) as { id: string } } },
      outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
      dedupe: { key: (m) => m.value.id, ttlMs: TTL_MS },
      handler: (m) => [{ to: 'out', value: { id: m.value.id } }],
    });
  const outputs = async (n: number) =>
    waitFor(`${n} outputs`, async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= n ? got.map((m) => (JSON.parse(m.value!.toString()) as { id: string }).id) : undefined;
    });
  const hops: Hop[] = [];
  try {
    const first = Array.from({ length: 300 }, (_, i) => `e${i}`);
    await send([...first, 'e7', 'e8'], t0); // two duplicates among them
    hops.push(makeHop());
    await hops[0]!.start();
    expect((await outputs(300)).sort()).toEqual([...first].sort());
    await hops[0]!.stop();

    // A chunk is up to 100 messages: 3+ segments, not 300 records.
    const written = await drainTopic(kafka, changelog);
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.length).toBeLessThanOrEqual(10);
    expect(written.every((m) => m.key!.toString().startsWith(SEGMENT_PREFIX))).toBe(true);
    const keys = written.flatMap((m) => (JSON.parse(m.value!.toString()) as [string, number][]).map((e) => e[0]));
    expect(keys.sort()).toEqual([...first].sort());

    // A new instance restores every key: events seen before are still duplicates.
    hops.push(makeHop());
    await hops[1]!.start();
    await send(['e0', 'e150', 'e299', 'n1', 'n2'], t0 + 1_000);
    expect((await outputs(302)).slice(300).sort()).toEqual(['n1', 'n2']);

    // Stream time past every expiry: each segment written so far gets one tombstone.
    await send(['late'], t0 + 5 * TTL_MS);
    await outputs(303);
    const segments = new Set(written.map((m) => m.key!.toString()));
    const tombstoned = await waitFor('the segments tombstoned', async () => {
      const all = await drainTopic(kafka, changelog);
      const gone = all.filter((m) => m.value === null).map((m) => m.key!.toString());
      return [...segments].every((s) => gone.includes(s)) ? gone : undefined;
    });
    expect(tombstoned.every((k) => k.startsWith(SEGMENT_PREFIX))).toBe(true);
  } finally {
    for (const hop of hops) await hop.stop();
    await producer.disconnect();
    await topics.admin.deleteTopics({ topics: [changelog] }).catch(() => {});
    await topics.cleanup();
  }
});
