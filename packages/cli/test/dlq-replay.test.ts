// Dead letters made by the real stream runtime, then replayed after a "fix": they return to
// their original topic with their key, value and original headers (traceparent included), minus
// the dead-letter headers, plus adtrace.replay-of; filters and --dry-run send nothing extra.
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
let topics: TestTopics<'in' | 'out' | 'dlq'>;
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
  topics = await testTopics(['in', 'out', 'dlq'], { partitions: 2 });
  hop = createHop({
    name: stage,
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
    const dry = await replayDeadLetters(kafka, { deadLetterTopic: topics.names.dlq, dryRun: true });
    expect(dry.map((l) => l.eventId).sort()).toEqual(['evt-2', 'evt-4']);
    expect(dry.every((l) => l.stage === stage && l.code === 'NEEDS_FIX' && l.originalTopic === topics.names.in)).toBe(
      true,
    );
    const none = await replayDeadLetters(kafka, { deadLetterTopic: topics.names.dlq, filter: { stage: 'other' } });
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
      expect(JSON.parse(m.value!.toString())).toMatchObject({ bad: true });
      expect(m.headers?.traceparent?.toString()).toBe(TRACEPARENT);
      expect(m.headers?.[REPLAY_OF_HEADER]?.toString()).toMatch(new RegExp(`^${topics.names.dlq}/\\d@\\d+$`));
      for (const name of Object.values(DeadLetterHeaders)) expect(m.headers).not.toHaveProperty(name);
    }
  });
});
