import { Partitioners } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { changelogTopic, createHop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { drainTopic, kafkaFor, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * A TTL store (a frequency cap) expires on stream time, not the wall clock: an entry put at
 * event time t is there for records up to t + ttl and gone after, however fast or slow the
 * records arrive; the purge writes a tombstone to the changelog, so a restore does not bring it back.
 */
test('a TTL store expires entries on stream time and purges them from its changelog', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('ttl');
  const t0 = Date.now() - 3_600_000; // an hour ago: the wall clock must not matter
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic: topics.names.in,
    messages: [0, 500, 999, 1001, 5000].map((dt) => ({
      key: dt === 5000 ? 'user-2' : 'user-1', // user-1's entry then only expires: a purge
      value: String(dt),
      timestamp: String(t0 + dt),
    })),
  });
  await producer.disconnect();
  const hop = createHop({
    name: group,
    mode: 'exactly-once',
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 1 }),
    inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => Number(b.toString()) } },
    outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    stores: { caps: { ...jsonStore<number>(), ttlMs: 1000 } },
    handler: (m, ctx) => {
      const caps = ctx.store('caps');
      const user = m.key!.toString();
      const seen = caps.get(user);
      if (seen === undefined) caps.put(user, m.value);
      return [{ to: 'out', value: { dt: m.value, seen: seen ?? null } }];
    },
  });
  try {
    await hop.start();
    const out = await waitFor('5 outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= 5 ? got : undefined;
    });
    await hop.stop();
    // Put at 0 (expires at 1000): seen at 500 and 999, gone at 1001 (put again, expires at 2001);
    // user-2's record at 5000 moves stream time past that: user-1's entry is purged.
    expect(out.map((m) => JSON.parse(m.value!.toString()))).toEqual([
      { dt: 0, seen: null },
      { dt: 500, seen: 0 },
      { dt: 999, seen: 0 },
      { dt: 1001, seen: null },
      { dt: 5000, seen: null },
    ]);
    const changelog = await drainTopic(kafka, changelogTopic(group, 'caps'));
    const last = changelog.filter((m) => m.key!.toString() === 'user-1').at(-1);
    expect(last?.value).toBeNull(); // the purge is a tombstone
  } finally {
    await hop.stop();
    await topics.admin.deleteTopics({ topics: [changelogTopic(group, 'caps')] }).catch(() => {});
    await topics.cleanup();
  }
});
