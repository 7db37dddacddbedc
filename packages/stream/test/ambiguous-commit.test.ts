import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, type KafkaPort, type KafkaPortFactory, type Log, toConfig } from '../src/index.ts';
import { payloadCodec, tag } from './support/codecs.ts';
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

/**
 * A commit that reaches the coordinator but whose answer is lost: the client sees an error after
 * the transaction committed. Injected through the client port: every second commit really
 * commits, then throws a connection error. The runtime must not write the transaction's chunks
 * again (one transaction may hold several partitions' chunks): after recreating the producer each
 * chunk asks the group what was committed, and finds itself done.
 */
test('an ambiguous commit (committed, then an error) does not write the chunk twice', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('ambiguous');
  const lines: string[] = [];
  const log: Log = (level, message) => {
    lines.push(message);
    if (level === 'error') console.error(message);
  };
  let commits = 0;
  let injected = 0;
  let injectedChunks = 0;
  const flaky = (settings: Parameters<KafkaPortFactory>[0]): KafkaPort => {
    const port = testKafkaClient()(settings);
    return {
      ...port,
      producer(options) {
        const producer = port.producer(options);
        return {
          ...producer,
          async transaction() {
            const txn = await producer.transaction();
            let chunks = 0;
            return {
              ...txn,
              async sendOffsets(group, offsets) {
                await txn.sendOffsets(group, offsets);
                chunks = offsets.length;
              },
              async commit() {
                await txn.commit();
                if (++commits % 2 === 0) {
                  injected += 1;
                  injectedChunks += chunks;
                  throw Object.assign(new Error('Connection closed after EndTxn was sent'), {
                    name: 'KafkaJSConnectionError',
                  });
                }
              },
            };
          },
        };
      },
    };
  };
  const inputs = makeInputs(300, 12);
  await produceInputs(kafka, topics.names.in, inputs);
  const hop = createHop({
    name: group,
    mode: 'exactly-once',
    log,
    kafka: flaky,
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 25, retryInitialMs: 10 }),
    inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
    outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
    handler: (m) => [{ to: 'out', value: tag('hop', m.value) }],
  });
  try {
    await hop.start();
    await waitFor('every input committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    await hop.stop();
    const outputs = await drainTopic(kafka, topics.names.out);
    expect(new Set(outputs.map((m) => header(m.headers, 'adtrace.event-id'))).size).toBe(inputs.length);
    expect(outputs).toHaveLength(inputs.length); // nothing written twice
    expect(injected).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.includes('the failed commit had gone through'))).toHaveLength(injectedChunks);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});
