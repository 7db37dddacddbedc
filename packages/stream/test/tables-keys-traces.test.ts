import { randomBytes } from 'node:crypto';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { changelogTopic, createHop, DeadLetterHeaders, jsonStore, type Log, toConfig } from '../src/index.ts';
import {
  committedCount,
  drainTopic,
  header,
  kafkaFor,
  makeInputs,
  produceInputs,
  waitFor,
} from './support/kafka-io.ts';
import { byEvent } from './support/spans.ts';
import { registerTestTracing, type TestTracing } from './support/tracing.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

let tracing: TestTracing;
beforeAll(() => {
  tracing = registerTestTracing();
});
afterAll(async () => {
  await tracing.shutdown();
});

/**
 * A global table is read whole before the hop handles any input: every record published to the
 * compacted topic before start is visible to the first message handled, and later updates and
 * tombstones reach the handler while it runs.
 */
test('a global table holds the hop until it has caught up, and stays current', async () => {
  const topics = await testTopics(['in', 'out', 'campaigns', 'dlq'], { partitions: 3, compacted: ['campaigns'] });
  const kafka = kafkaFor(testBrokers());
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const campaigns = Array.from({ length: 300 }, (_, i) => ({ key: `c${i}`, value: JSON.stringify({ bid: i }) }));
  await producer.send({ topic: topics.names.campaigns, messages: campaigns });
  const inputs = makeInputs(60, 6);
  await produceInputs(kafka, topics.names.in, inputs, (x) => JSON.stringify({ i: x.i, campaign: `c${x.i * 5}` }));
  const hop = createHop({
    name: uniqueGroupId('tables'),
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    tables: {
      campaigns: { topic: topics.names.campaigns, decode: (b: Buffer) => JSON.parse(b.toString()) as { bid: number } },
    },
    inputs: {
      in: {
        topic: topics.names.in,
        decode: (b: Buffer) => JSON.parse(b.toString()) as { i: number; campaign: string },
      },
    },
    outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    handler: (m, ctx) => {
      const c = ctx.table('campaigns').get(m.value.campaign);
      return [{ to: 'out', value: { i: m.value.i, bid: c?.bid ?? null, size: ctx.table('campaigns').size } }];
    },
  });
  try {
    await hop.start();
    const first = await waitFor('outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= inputs.length ? got : undefined;
    });
    for (const m of first) {
      const v = JSON.parse(m.value!.toString()) as { i: number; bid: number; size: number };
      expect(v.bid).toBe(v.i * 5); // every campaign was there before the first input was handled
      expect(v.size).toBe(300);
    }
    // An update and a tombstone while running.
    await producer.send({
      topic: topics.names.campaigns,
      messages: [
        { key: 'c0', value: JSON.stringify({ bid: 1000 }) },
        { key: 'c5', value: null },
      ],
    });
    await new Promise((r) => setTimeout(r, 1500));
    await produceInputs(kafka, topics.names.in, makeInputs(2, 1), (x) =>
      JSON.stringify({ i: 1000 + x.i, campaign: `c${x.i * 5}` }),
    );
    const all = await waitFor('later outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= inputs.length + 2 ? got : undefined;
    });
    const later = all
      .map((m) => JSON.parse(m.value!.toString()) as { i: number; bid: number | null; size: number })
      .filter((v) => v.i >= 1000);
    expect(later.sort((a, b) => a.i - b.i)).toEqual([
      { i: 1000, bid: 1000, size: 299 },
      { i: 1001, bid: null, size: 299 },
    ]);
  } finally {
    await hop.stop();
    await producer.disconnect();
    await topics.cleanup();
  }
});

/**
 * A re-keyed output writes an internal topic the runtime creates with the partition count of the
 * topic it will be joined with, so equal keys land in equal partition numbers; a record without
 * a key is refused (dead-lettered), since the whole point of the output is its new key.
 */
test('a re-keyed output gets an internal topic partitioned like its join partner; a keyless record is refused', async () => {
  const topics = await testTopics(['in', 'impressions', 'dlq'], { partitions: 3 });
  const partner = await testTopics(['wide'], { partitions: 5 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('rekey');
  const internal = `${group}.by-user`;
  const inputs = makeInputs(40, 4);
  await produceInputs(kafka, topics.names.in, inputs, (x) =>
    JSON.stringify({ i: x.i, user: x.i === 7 ? null : `u${x.i % 9}` }),
  );
  const hop = createHop({
    name: group,
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: {
      in: {
        topic: topics.names.in,
        decode: (b: Buffer) => JSON.parse(b.toString()) as { i: number; user: string | null },
      },
    },
    outputs: {
      byUser: {
        topic: internal,
        encode: (v: object) => Buffer.from(JSON.stringify(v)),
        partitionsLike: partner.names.wide,
      },
    },
    handler: (m) => [{ to: 'byUser', key: m.value.user, value: { i: m.value.i } }],
  });
  try {
    await hop.start();
    await waitFor('every input committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    await hop.stop();
    const [meta] = (await topics.admin.fetchTopicMetadata({ topics: [internal] })).topics;
    expect(meta?.partitions).toHaveLength(5);
    const out = await drainTopic(kafka, internal);
    expect(out).toHaveLength(inputs.length - 1);
    expect(out.every((m) => m.key !== null)).toBe(true);
    const dead = await drainTopic(kafka, topics.names.dlq);
    expect(dead.map((m) => header(m.headers, DeadLetterHeaders.code))).toEqual(['NO_KEY']);
  } finally {
    await hop.stop();
    await topics.admin.deleteTopics({ topics: [internal] }).catch(() => {});
    await partner.cleanup();
    await topics.cleanup();
  }
});

/**
 * A click carries its impression's trace context inside its (signed) token, not in a header:
 * `traceFrom` gives the record's traceparent, and the process span continues that trace,
 * falling back to the headers when the record has none.
 */
test('a trace is continued from the record when the input says where it is, else from the headers', async () => {
  const topics = await testTopics(['clicks', 'out', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const [inRecord, inHeader] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
  const span = randomBytes(8).toString('hex');
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({
    topic: topics.names.clicks,
    messages: [
      {
        key: 'u1',
        value: JSON.stringify({ id: 'with-token', token: { traceparent: `00-${inRecord}-${span}-01` } }),
        headers: { traceparent: `00-${inHeader}-${span}-01`, 'adtrace.event-id': 'with-token' },
      },
      {
        key: 'u1',
        value: JSON.stringify({ id: 'no-token' }),
        headers: { traceparent: `00-${inHeader}-${span}-01`, 'adtrace.event-id': 'no-token' },
      },
    ],
  });
  await producer.disconnect();
  type Click = { id: string; token?: { traceparent: string } };
  const group = uniqueGroupId('trace-from');
  const hop = createHop({
    name: group,
    mode: 'exactly-once',
    log,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: {
      clicks: {
        topic: topics.names.clicks,
        decode: (b: Buffer) => JSON.parse(b.toString()) as Click,
        traceFrom: (click: Click) => click.token?.traceparent,
      },
    },
    outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    stores: { seen: jsonStore<number>() },
    handler: (m) => [{ to: 'out', value: { id: m.value.id, traceId: m.traceId } }],
  });
  try {
    await hop.start();
    const out = await waitFor('both outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= 2 ? got : undefined;
    });
    await hop.stop();
    const processes = byEvent(tracing.spans(), `process ${topics.names.clicks}`);
    expect([processes.get('with-token')!.traceId, processes.get('with-token')!.parentSpanId]).toEqual([inRecord, span]);
    expect(processes.get('no-token')!.traceId).toBe(inHeader);
    const values = out.map((m) => JSON.parse(m.value!.toString()) as { id: string; traceId: string });
    expect(values.find((v) => v.id === 'with-token')!.traceId).toBe(inRecord); // the handler sees it too
    expect(out.map((m) => header(m.headers, 'traceparent')?.split('-')[1]).sort()).toEqual([inHeader, inRecord].sort());
  } finally {
    await hop.stop();
    await topics.admin.deleteTopics({ topics: [changelogTopic(group, 'seen')] }).catch(() => {});
    await topics.cleanup();
    tracing.reset();
  }
});
