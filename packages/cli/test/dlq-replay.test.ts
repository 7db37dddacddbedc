// Dead letters made by the real stream runtime, then replayed after a "fix": they return to
// their original topic with their key, value and original headers (traceparent included), minus
// the dead-letter headers, plus adtrace.replay-of; filters and --dry-run send nothing extra. By
// default it reads both dead-letter topics, the raw one (ingest's and tracking's letters) too.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHop, DeadLetterHeaders, type Hop, RejectedError, toConfig } from '@adtrace/stream';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { REPLAY_OF_HEADER, replayDeadLetters } from '../src/dlq-replay.ts';

const kafka = testKafka('dlq-replay-test');
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
let topics: TestTopics<'in' | 'out' | 'dlq' | 'raw'>;
let hop: Hop;
const stage = uniqueGroupId('ingest');

/** Every message now on `topic`, read from the start under a throwaway group. */
async function readAll(topic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueGroupId('read') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: KafkaMessage[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${seen.length}/${expected} on ${topic}`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
        if (seen.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

beforeAll(async () => {
  topics = await testTopics(['in', 'out', 'dlq', 'raw'], { partitions: 2 });
  hop = createHop({
    name: stage,
    // Exactly-once, as the stages that dead-letter are: at least once, a chunk redone after the
    // group's first rebalance on a fresh broker wrote a letter twice (3 where the tests count 2).
    mode: 'exactly-once',
    log: () => {},
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: {
      in: { topic: topics.names.in, decode: (b: Buffer) => JSON.parse(b.toString()) as { n: number; bad?: boolean } },
    },
    outputs: { out: { topic: topics.names.out, encode: (v: { n: number }) => Buffer.from(JSON.stringify(v)) } },
    handler: (m) => {
      if (m.value.bad) throw new RejectedError('NEEDS_FIX', `message ${m.value.n} is not valid yet`);
      return [{ to: 'out' as const, value: m.value }];
    },
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.in,
    messages: [1, 2, 3, 4].map((n) => ({
      key: `user-${n}`,
      value: JSON.stringify({ n, bad: n % 2 === 0 }),
      headers: { traceparent: TRACEPARENT, 'adtrace.event-id': `evt-${n}` },
    })),
  });
  await producer.disconnect();
  await hop.start();
  await readAll(topics.names.dlq, 2);
  await hop.stop();
});
afterAll(async () => {
  await hop?.stop();
  await topics?.cleanup();
});

describe('adtrace dlq replay', () => {
  it('lists without sending on a dry run, and a filter that matches nothing replays nothing', async () => {
    const dry = await replayDeadLetters(kafka, { deadLetterTopics: [topics.names.dlq], dryRun: true });
    expect(dry.map((l) => l.eventId).sort()).toEqual(['evt-2', 'evt-4']);
    expect(dry.every((l) => l.stage === stage && l.code === 'NEEDS_FIX' && l.originalTopic === topics.names.in)).toBe(
      true,
    );
    const none = await replayDeadLetters(kafka, { deadLetterTopics: [topics.names.dlq], filter: { stage: 'other' } });
    expect(none).toEqual([]);
    const offsets = await topics.admin.fetchTopicOffsets(topics.names.in);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(4);
  });

  it('sends the letters back to their topic with the original key, value and trace, via the CLI', async () => {
    const run = promisify(execFile);
    const main = join(import.meta.dirname, '..', 'src', 'main.ts');
    const args = ['dlq', 'replay', '--code', 'NEEDS_FIX', '--dead-letter-topic', topics.names.dlq, '--json'];
    const { stdout } = await run(process.execPath, [main, ...args], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(',') },
    });
    expect(JSON.parse(stdout).replayed).toBe(2);

    const all = await readAll(topics.names.in, 6);
    const replayed = all.filter((m) => m.headers?.[REPLAY_OF_HEADER] !== undefined);
    expect(replayed.map((m) => m.key?.toString()).sort()).toEqual(['user-2', 'user-4']);
    for (const m of replayed) {
      // Its original's time: a replay keeps the event time (a late bid request stays late).
      const original = all.find((o) => o.headers?.[REPLAY_OF_HEADER] === undefined && `${o.key}` === `${m.key}`);
      expect(m.timestamp).toBe(original!.timestamp);
      expect(JSON.parse(m.value!.toString())).toMatchObject({ bad: true });
      expect(m.headers?.traceparent?.toString()).toBe(TRACEPARENT);
      expect(m.headers?.[REPLAY_OF_HEADER]?.toString()).toMatch(new RegExp(`^${topics.names.dlq}/\\d@\\d+$`));
      for (const name of Object.values(DeadLetterHeaders)) expect(m.headers).not.toHaveProperty(name);
    }
  });
});

describe('adtrace dlq replay, by default', () => {
  // The CLI's default topics, under a namespace of the test's own (never adtrace.*).
  const namespace = uniqueGroupId('dlq-ns');
  let own: TestTopics<'dead-letters' | 'dead-letters.raw'>;
  let rawHop: Hop | undefined;
  const RAW = '{"id":"req-1","imp":[{"bidfloor":0.5,"bidfloorcur":"SEK"}]}';

  beforeAll(async () => {
    own = await testTopics(['dead-letters', 'dead-letters.raw'], { namespace, partitions: 1 });
    // As ingest does: exactly-once, so the raw letter is written in a transaction.
    rawHop = createHop({
      name: uniqueGroupId('ingest-raw'),
      mode: 'exactly-once',
      log: () => {},
      config: toConfig({ brokers: testBrokers(), deadLetterTopic: own.names['dead-letters.raw'] }),
      inputs: { raw: { topic: topics.names.raw, decode: (b: Buffer) => b } },
      outputs: { out: { topic: topics.names.out, encode: (v: Buffer) => v } },
      handler: () => {
        throw new RejectedError('UNKNOWN_CURRENCY', 'bidfloorcur SEK has no USD rate');
      },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: topics.names.raw,
      messages: [{ key: 'req-1', value: RAW, headers: { traceparent: TRACEPARENT, 'adtrace.event-id': 'req-1' } }],
    });
    await rawHop.start();
    const [letter] = await readAll(own.names['dead-letters.raw'], 1);
    await rawHop.stop();
    // A letter at the same partition and offset (0@0) of the regular topic: replay-of tells them apart.
    await producer.send({
      topic: own.names['dead-letters'],
      messages: [
        { key: letter!.key, value: letter!.value, headers: { ...letter!.headers, 'adtrace.event-id': 'req-2' } },
      ],
    });
    await producer.disconnect();
  });
  afterAll(async () => {
    await rawHop?.stop();
    await own?.cleanup();
  });

  it('replays the letters of the raw dead-letter topic too, each naming its dead-letter topic', async () => {
    const run = promisify(execFile);
    const main = join(import.meta.dirname, '..', 'src', 'main.ts');
    const { stdout } = await run(process.execPath, [main, 'dlq', 'replay', '--code', 'UNKNOWN_CURRENCY', '--json'], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers().join(','), ADTRACE_TOPIC_NAMESPACE: namespace },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout).replayed).toBe(2);

    const replayed = (await readAll(topics.names.raw, 3)).filter((m) => m.headers?.[REPLAY_OF_HEADER] !== undefined);
    expect(new Set(replayed.map((m) => m.headers?.[REPLAY_OF_HEADER]?.toString()))).toEqual(
      new Set([`${own.names['dead-letters.raw']}/0@0`, `${own.names['dead-letters']}/0@0`]),
    );
    for (const m of replayed) {
      expect(m.key?.toString()).toBe('req-1');
      expect(m.value?.toString()).toBe(RAW);
      expect(m.headers?.traceparent?.toString()).toBe(TRACEPARENT);
      for (const name of Object.values(DeadLetterHeaders)) expect(m.headers).not.toHaveProperty(name);
    }
  });
});
