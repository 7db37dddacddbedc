import { randomUUID } from 'node:crypto';
import { type Kafka, type Message, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { type GlobalTable, openGlobalTable } from '../src/global-table.ts';
import type { Log } from '../src/types.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { waitFor } from './support/kafka-io.ts';

interface Campaign {
  readonly id: string;
  readonly v: number;
}

const decode = (bytes: Buffer): Campaign => {
  const parsed = JSON.parse(bytes.toString('utf8')) as Campaign;
  if (typeof parsed.v !== 'number') throw new TypeError('not a campaign');
  return parsed;
};
const campaign = (id: string, v: number): Message => ({ key: id, value: JSON.stringify({ id, v }) });

async function send(kafka: Kafka, topic: string, messages: Message[]): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();
}

/** One committed then one aborted transaction: every partition they touch ends in a marker. */
async function sendTransactions(kafka: Kafka, topic: string, committed: Message[], aborted: Message[]): Promise<void> {
  const producer = kafka.producer({
    transactionalId: `global-table-test-${randomUUID().slice(0, 8)}`,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    const ok = await producer.transaction();
    await ok.send({ topic, messages: committed });
    await ok.commit();
    const no = await producer.transaction();
    await no.send({ topic, messages: aborted });
    await no.abort();
  } finally {
    await producer.disconnect();
  }
}

describe('a global table', () => {
  let topics: TestTopics<'campaigns' | 'segments'>;
  const kafka = testKafka('global-table-test');
  const tables: GlobalTable<Campaign>[] = [];
  const warnings: string[] = [];
  const log: Log = (level, message, fields) => {
    if (level === 'warn') warnings.push(`${message} ${String(fields?.key)}`);
    if (level === 'error') console.error(message, fields);
  };
  const open = (topic: string) => {
    const port = testKafkaClient()({
      brokers: testBrokers(),
      clientId: uniqueGroupId('global'),
      compression: 'none',
      log,
    });
    const table = openGlobalTable(port, {
      topic,
      decode,
      log,
      catchUpTimeoutMs: 45_000,
    });
    tables.push(table);
    return table;
  };

  beforeAll(async () => {
    topics = await testTopics(['campaigns', 'segments'], { partitions: 3, compacted: ['campaigns', 'segments'] });
  });
  afterAll(async () => {
    await Promise.all(tables.map((t) => t.close()));
    await topics?.cleanup();
  });

  test('holds everything published before it started once caughtUp resolves, behind transaction markers too, then follows updates and tombstones', async () => {
    const topic = topics.names.campaigns;
    const plain = Array.from({ length: 30 }, (_, i) => campaign(`c${i}`, 1));
    await send(kafka, topic, [
      ...plain,
      campaign('c5', 2), // a later value wins
      { key: 'c7', value: null }, // a tombstone deletes
      { key: 'bad', value: 'not json' }, // logged, counted, skipped
    ]);
    await sendTransactions(
      kafka,
      topic,
      Array.from({ length: 12 }, (_, i) => campaign(`t${i}`, 1)),
      [campaign('t0', 99), ...Array.from({ length: 12 }, (_, i) => campaign(`aborted${i}`, 1))],
    );

    const table = open(topic);
    // What the table holds at the moment caughtUp resolves, before anything else can run.
    const atCatchUp = table.caughtUp.then(() => ({
      size: table.size,
      keys: [...Array.from({ length: 30 }, (_, i) => `c${i}`), ...Array.from({ length: 12 }, (_, i) => `t${i}`)].filter(
        (k) => table.get(k) !== undefined,
      ),
      c5: table.get('c5')?.v,
      t0: table.get('t0')?.v,
      decodeFailures: table.decodeFailures,
    }));
    const seen = await atCatchUp;
    // 30 plain keys − c7 (tombstone) + 12 committed transactional keys; no aborted ones.
    expect(seen.size).toBe(41);
    expect(seen.keys).toHaveLength(41);
    expect(seen.keys).not.toContain('c7');
    expect([seen.c5, seen.t0, seen.decodeFailures]).toEqual([2, 1, 1]);
    expect(table.get('aborted0')).toBeUndefined();
    expect(table.get('bad')).toBeUndefined();
    expect(warnings).toContain('global table record not decoded, skipped bad');

    await send(kafka, topic, [campaign('c1', 3), { key: 'c2', value: null }, campaign('new', 1)]);
    await waitFor('the update, the tombstone and the new key', () =>
      table.get('c1')?.v === 3 && table.get('c2') === undefined && table.get('new') !== undefined ? true : undefined,
    );
    expect(table.size).toBe(41);
  });

  test('on an empty topic it is caught up at once, and still follows what is published later', async () => {
    const table = open(topics.names.segments);
    await table.caughtUp;
    expect(table.size).toBe(0);
    await send(kafka, topics.names.segments, [campaign('s1', 1)]);
    const s1 = await waitFor('the first segment', () => table.get('s1'));
    expect(s1).toEqual({ id: 's1', v: 1 });
  });

  test('closed before it caught up, caughtUp rejects instead of hanging', async () => {
    const table = open(topics.names.campaigns);
    await table.close();
    await expect(table.caughtUp).rejects.toThrow(/closed before it caught up/);
  });
});
