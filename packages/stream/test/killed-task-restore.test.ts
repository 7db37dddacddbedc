import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { DEDUPE_STORE } from '../src/event-state.ts';
import { changelogTopic, createHop, jsonStore, type Log, toConfig } from '../src/index.ts';
import { encodeExpiring } from '../src/ttl.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { committedCount, drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

const PARTITIONS = 2;
const KEYS = 6;

/**
 * Every task of a stateful exactly-once hop is left with an open transaction, as a SIGKILL
 * mid-transaction leaves it: under the killed member's transactional id, changelog records (a
 * count of 1000, a de-duplication key of an event still to come), an output, and the input
 * offsets moved to the end, none committed. Nobody will initialize that id again, so the
 * transaction ends only when the coordinator aborts it at its timeout. The hop that starts next
 * in the group must wait for that before it reads anything (stable offsets: its changelog records
 * are not state, its offsets not progress), restore exactly what committed, and go on: each
 * key's count continues 1, 2, 3, … without a gap or a repeat, no event is dropped as a
 * duplicate, and the killed transaction's output is never seen. Reading the offsets the open
 * transaction holds as if committed would skip every input to offset 100,000.
 */
test('a task killed with an open transaction: the next owner restores exactly the committed state and goes on', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: PARTITIONS });
  const brokers = testBrokers();
  const kafka = kafkaFor(brokers);
  const group = uniqueGroupId('killed-task');
  const inputs = makeInputs(120, KEYS);
  const firstHalf = inputs.slice(0, 60);
  const start = () =>
    createHop({
      kafka: testKafkaClient(),
      name: group,
      mode: 'exactly-once',
      log,
      config: toConfig({ brokers, deadLetterTopic: topics.names.dlq, batchSize: 7 }),
      inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => JSON.parse(b.toString()) as { i: number } } },
      outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
      stores: { counts: jsonStore<number>() },
      dedupe: { key: (m) => `i${m.value.i}`, ttlMs: 86_400_000 },
      handler: (m, ctx) => {
        const counts = ctx.store('counts');
        const key = String(m.key);
        const n = (counts.get(key) ?? 0) + 1;
        counts.put(key, n);
        return [{ to: 'out', value: { key, n, i: m.value.i } }];
      },
    });
  const first = start();
  let second: ReturnType<typeof start> | undefined;
  try {
    await first.start();
    await produceInputs(kafka, topics.names.in, firstHalf);
    await waitFor('the first half committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) >= firstHalf.length ? true : undefined,
    );
    await first.stop();
    await produceInputs(kafka, topics.names.in, inputs.slice(60));
    await leaveOpenTransactions(brokers, group, topics.names, inputs[100]!.i);

    second = start();
    await second.start();
    await waitFor(
      'every input committed',
      async () => ((await committedCount(kafka, group, topics.names.in)) >= inputs.length ? true : undefined),
      90_000,
    );
    const out = (await drainTopic(kafka, topics.names.out)).map(
      (m) => JSON.parse(m.value!.toString()) as { key?: string; n: number; i: number; zombie?: boolean },
    );
    expect(out.filter((o) => o.zombie)).toEqual([]);
    expect(out.map((o) => o.i).sort((a, b) => a - b)).toEqual(inputs.map((x) => x.i));
    for (const key of new Set(inputs.map((x) => x.key))) {
      const counts = out.filter((o) => o.key === key).map((o) => o.n);
      expect(counts.sort((a, b) => a - b)).toEqual(counts.map((_, i) => i + 1));
    }
  } finally {
    await second?.stop();
    await first.stop();
    await kafka
      .admin()
      .deleteTopics({ topics: ['counts', DEDUPE_STORE].map((s) => changelogTopic(group, s)) })
      .catch(() => {});
    await topics.cleanup();
  }
}, 180_000);

/**
 * What a SIGKILLed member leaves: one open transaction over all its tasks, under its own
 * transactional id, with the runtime's transaction timeout (10 s).
 */
async function leaveOpenTransactions(
  brokers: string[],
  group: string,
  names: { in: string; out: string },
  comingEvent: number,
): Promise<void> {
  const kafka = new Kafka({ clientId: `${group}-killed`, brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({
    transactionalId: `${group}-killed-member`,
    transactionTimeout: 10_000,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const txn = await producer.transaction();
  const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
  await txn.sendBatch({
    topicMessages: [
      {
        topic: changelogTopic(group, 'counts'),
        messages: partitions.flatMap((p) =>
          Array.from({ length: KEYS }, (_, k) => ({ key: `user-${k}`, value: '1000', partition: p })),
        ),
      },
      {
        topic: changelogTopic(group, DEDUPE_STORE),
        messages: partitions.map((p) => ({
          key: `i${comingEvent}`,
          value: encodeExpiring(Date.UTC(2100, 0), Buffer.alloc(0)),
          partition: p,
        })),
      },
      {
        topic: names.out,
        messages: partitions.map((p) => ({ value: JSON.stringify({ zombie: true, n: 0, i: -1 }), partition: p })),
      },
    ],
  });
  await txn.sendOffsets({
    consumerGroupId: group,
    topics: [{ topic: names.in, partitions: partitions.map((p) => ({ partition: p, offset: '100000' })) }],
  });
  // Neither committed nor aborted: the process is gone (disconnecting leaves the transaction open).
  await producer.disconnect();
}
