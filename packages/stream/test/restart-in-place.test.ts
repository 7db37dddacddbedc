import { Kafka, logLevel } from 'kafkajs';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, type Log, toConfig } from '../src/index.ts';
import { committedCount, drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/** Far longer than the waits below: a transaction left open holds the partitions back this long. */
const ABANDONED_TIMEOUT_MS = 120_000;

/**
 * A member crashed mid-transaction: what the broker holds afterwards is a transaction open under
 * the member's transactional id — records on an output partition, offsets for its group — that
 * nobody will end. Read committed, the output stops at it; the group's offsets stay unstable, so
 * a new owner cannot learn where to start. Left alone, the coordinator aborts it at its timeout.
 *
 * Restarted in place (the same ADTRACE_INSTANCE_ID, e.g. a container restarted in its pod), the
 * member's transactional id is its predecessor's, and initializing it aborts that transaction at
 * once: the restarted member starts, relays everything, and its outputs are readable, long
 * before the abandoned transaction's timeout. With an id of its own per process (the old rule),
 * nothing moves for the whole timeout.
 */
test('a member restarted under the same instance id ends the transaction its predecessor left open, at once', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
  const brokers = testBrokers();
  const kafka = kafkaFor(brokers);
  const group = uniqueGroupId('restart-in-place');
  const instanceId = 'relay-0';
  const inputs = makeInputs(200, 10);
  await produceInputs(kafka, topics.names.in, inputs);

  // The predecessor, as a crash leaves it: a transaction with records and offsets, never ended.
  const predecessor = new Kafka({ clientId: 'predecessor', brokers, logLevel: logLevel.NOTHING }).producer({
    transactionalId: `${group}-${instanceId}`,
    transactionTimeout: ABANDONED_TIMEOUT_MS,
    maxInFlightRequests: 1,
    idempotent: true,
  });
  await predecessor.connect();
  const abandoned = await predecessor.transaction();
  await abandoned.send({ topic: topics.names.out, messages: [{ value: '{"i":-1}' }] });
  await abandoned.sendOffsets({
    consumerGroupId: group,
    topics: [{ topic: topics.names.in, partitions: [{ partition: 0, offset: '50' }] }],
  });

  const hop = createHop({
    name: group,
    mode: 'exactly-once',
    log,
    config: toConfig({ brokers, deadLetterTopic: topics.names.dlq, batchSize: 20, instanceId }),
    inputs: { in: { topic: topics.names.in, decode: (b: Buffer) => JSON.parse(b.toString()) as { i: number } } },
    outputs: { out: { topic: topics.names.out, encode: (v: object) => Buffer.from(JSON.stringify(v)) } },
    handler: (m) => [{ to: 'out', value: { i: m.value.i } }],
  });
  try {
    await hop.start();
    await waitFor(
      'every input committed',
      async () => ((await committedCount(kafka, group, topics.names.in)) >= inputs.length ? true : undefined),
      ABANDONED_TIMEOUT_MS / 4,
    );
    const out = (await drainTopic(kafka, topics.names.out, ABANDONED_TIMEOUT_MS / 4)).map(
      (m) => (JSON.parse(m.value!.toString()) as { i: number }).i,
    );
    // All from the first input (the abandoned offsets never counted), once each; the abandoned record aborted.
    expect(out.sort((a, b) => a - b)).toEqual(inputs.map((x) => x.i));
  } finally {
    await hop.stop();
    await predecessor.disconnect().catch(() => {});
    await topics.cleanup();
  }
}, 150_000);
