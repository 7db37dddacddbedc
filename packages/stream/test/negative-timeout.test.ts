import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { spawnHop, stopChild, waitReady } from './support/child.ts';
import { drainTopic, kafkaFor, makeInputs, produceInputs, waitFor } from './support/kafka-io.ts';

/**
 * kafkajs 2.2.4's request queue scheduled a check of its empty queue after
 * `throttledUntil - Date.now()` ms, about minus the epoch in ms, on every response: Node printed
 * `TimeoutNegativeWarning` in every process and ran the check every 1 ms, forever, per connection
 * (patches/kafkajs@2.2.4.patch). Node warns once per process, hence a process of its own: a hop on
 * kafkajs (whatever ADTRACE_KAFKA_CLIENT says), with warnings on, that consumes and produces.
 */
test('a hop process on kafkajs prints no TimeoutNegativeWarning', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('negative-timeout');
  const inputs = makeInputs(5);
  await produceInputs(kafka, topics.names.in, inputs);
  const child = spawnHop({
    KAFKA_BROKERS: testBrokers().join(','),
    ADTRACE_KAFKA_CLIENT: 'kafkajs',
    NODE_NO_WARNINGS: '0',
    HOP_NAME: group,
    HOP_INPUT: topics.names.in,
    HOP_OUTPUT: topics.names.out,
    HOP_DEAD_LETTER_TOPIC: topics.names.dlq,
  });
  try {
    await waitReady(child);
    await waitFor('all outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= inputs.length ? got : undefined;
    });
    expect(await stopChild(child)).toBe(0);
    expect(child.output()).not.toContain('TimeoutNegativeWarning');
  } finally {
    await stopChild(child, 'SIGKILL');
    await topics.cleanup();
  }
});
