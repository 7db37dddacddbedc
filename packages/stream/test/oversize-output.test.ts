import { describe, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, DeadLetterHeaders, type Log, toConfig } from '../src/index.ts';
import { payloadCodec } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import {
  committedCount,
  drainTopic,
  header,
  kafkaFor,
  makeInputs,
  produceInputs,
  waitFor,
} from './support/kafka-io.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};

/**
 * The broker refuses a record batch over the topic's max.message.bytes (1 MiB by default). An
 * output that alone is over it can never be written: its input is dead-lettered, on its own,
 * and the rest flows. A chunk whose outputs together are over it is sent in parts, not refused
 * whole — before, either crashed the hop on every restart.
 */
describe.each(['at-least-once', 'exactly-once'] as const)('outputs over max.message.bytes, %s', (mode) => {
  test('one too large for the topic is dead-lettered alone; a chunk too large together is split', async () => {
    const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
    const kafka = kafkaFor(testBrokers());
    const group = uniqueGroupId('oversize');
    const inputs = makeInputs(120, 4);
    const huge = new Set([17, 64]);
    await produceInputs(kafka, topics.names.in, inputs);
    const hop = createHop({
      kafka: testKafkaClient(),
      name: group,
      mode,
      log,
      // No compression: 120 outputs of 20 KB make a 2.4 MB chunk.
      config: toConfig({
        brokers: testBrokers(),
        deadLetterTopic: topics.names.dlq,
        batchSize: 200,
        compression: 'none',
      }),
      inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
      outputs: {
        out: { topic: topics.names.out, encode: (v: { i: number; pad: string }) => Buffer.from(JSON.stringify(v)) },
      },
      handler: (m) => [
        { to: 'out', value: { i: m.value.i, pad: 'x'.repeat(huge.has(m.value.i) ? 1_200_000 : 20_000) } },
      ],
    });
    try {
      await hop.start();
      await waitFor('every input committed', async () =>
        (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
      );
      await hop.stop();
      const outputs = await drainTopic(kafka, topics.names.out);
      const written = outputs.map((m) => (JSON.parse(m.value!.toString()) as { i: number }).i).sort((a, b) => a - b);
      expect(written).toEqual(inputs.map((x) => x.i).filter((i) => !huge.has(i)));
      const dead = await drainTopic(kafka, topics.names.dlq);
      expect(dead.map((m) => header(m.headers, DeadLetterHeaders.code))).toEqual([
        'OUTPUT_TOO_LARGE',
        'OUTPUT_TOO_LARGE',
      ]);
      expect(dead.map((m) => (JSON.parse(m.value!.toString()) as { i: number }).i).sort((a, b) => a - b)).toEqual([
        17, 64,
      ]);
      expect(header(dead[0]!.headers, DeadLetterHeaders.reason)).toMatch(/exceeds its max.message.bytes/);
    } finally {
      await hop.stop();
      await topics.cleanup();
    }
  });
});
