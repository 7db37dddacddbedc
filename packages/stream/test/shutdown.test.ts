import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { ConfigError, createHop, type Log, toConfig } from '../src/index.ts';
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

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};
const status = (port: number, path: string) =>
  fetch(`http://127.0.0.1:${port}${path}`).then(
    (r) => r.status,
    () => 'closed',
  );

test('a graceful stop drains: what was processed is committed, nothing is redone, and stop is idempotent', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('drain');
  const inputs = makeInputs(600);
  await produceInputs(kafka, topics.names.in, inputs);
  let shutdowns = 0;
  const makeHop = () =>
    createHop({
      kafka: testKafkaClient(),
      name: group,
      log,
      config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq, batchSize: 10, healthPort: 0 }),
      inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
      outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
      handler: async (m) => {
        await sleep(5); // slow enough that the stop lands mid-stream, with a chunk in flight
        return [{ to: 'out', value: tag('h', m.value) }];
      },
      onShutdown: () => {
        shutdowns += 1;
      },
    });
  const hop = makeHop();
  try {
    await hop.start();
    const port = hop.healthPort!;
    expect(await status(port, '/healthz')).toBe(200);
    await waitFor('ready', async () => ((await status(port, '/readyz')) === 200 ? true : undefined));
    await waitFor('some progress', async () =>
      (await committedCount(kafka, group, topics.names.in)) >= 60 ? true : undefined,
    );
    const [a, b] = [hop.stop(), hop.stop()];
    expect(a).toBe(b);
    await Promise.all([a, b, hop.done]);
    expect(shutdowns).toBe(1);
    expect(await status(port, '/healthz')).toBe('closed');

    const committed = await committedCount(kafka, group, topics.names.in);
    const produced = await drainTopic(kafka, topics.names.out);
    expect(committed).toBeLessThan(inputs.length); // it stopped mid-stream
    expect(produced).toHaveLength(committed); // every output's input committed, and vice versa

    const again = makeHop();
    await again.start();
    await waitFor('the rest', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    await again.stop();
    const all = await drainTopic(kafka, topics.names.out);
    expect(new Set(all.map((m) => header(m.headers, 'adtrace.event-id'))).size).toBe(inputs.length);
    expect(all).toHaveLength(inputs.length); // a graceful stop leaves nothing to redo
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});

test('a missing topic fails the start with an error naming it, and the hop reports the crash', async () => {
  const topics = await testTopics(['in', 'dlq'], { partitions: 1 });
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('missing'),
    log: () => {},
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
    outputs: { out: { topic: 'test.does-not-exist', encode: payloadCodec.encode } },
    handler: () => {},
  });
  try {
    const failure = await hop.start().catch((e: unknown) => e);
    expect((failure as Error).message).toContain('test.does-not-exist');
    expect((failure as Error & { cause?: unknown }).cause).toBeInstanceOf(ConfigError);
    await expect(hop.done).rejects.toThrow(/crashed in startup/);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});

test('a missing global table topic fails the start with an error naming it, not a crash after retries', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 1 });
  const hop = createHop({
    kafka: testKafkaClient(),
    name: uniqueGroupId('missing-table'),
    log: () => {},
    config: toConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
    inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
    outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
    tables: { spend: { topic: 'test.table-does-not-exist', decode: (b: Buffer) => b.toString() } },
    handler: () => {},
  });
  try {
    const failure = await hop.start().catch((e: unknown) => e);
    expect((failure as Error).message).toContain('test.table-does-not-exist');
    expect((failure as Error & { cause?: unknown }).cause).toBeInstanceOf(ConfigError);
    await expect(hop.done).rejects.toThrow(/crashed in startup/);
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});
