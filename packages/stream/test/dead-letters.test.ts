import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, DeadLetterHeaders, type Log, toConfig } from '../src/index.ts';
import { type Payload, payloadCodec, tag } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import {
  committedCount,
  drainTopic,
  header,
  kafkaFor,
  makeInputs,
  produceInputs,
  traceIdOf,
  waitFor,
} from './support/kafka-io.ts';
import { byEvent, SpanKindCode, StatusCode } from './support/spans.ts';
import { registerTestMetrics, registerTestTracing, type TestTracing } from './support/tracing.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error') console.error(message, fields);
};
let tracing: TestTracing;
let meters: ReturnType<typeof registerTestMetrics>;
beforeAll(() => {
  tracing = registerTestTracing();
  meters = registerTestMetrics();
});
afterAll(async () => {
  await tracing.shutdown();
  await meters.shutdown();
});

test('poison messages are dead-lettered with every header while the rest of their partition flows', async () => {
  const topics = await testTopics(['in', 'out', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('dlq');
  // One key, so the poison sits in the same partition as the good messages after it.
  const inputs = makeInputs(40, 1);
  const poison = new Map<number, { value: string | null; code: string; errorClass: string }>([
    [3, { value: 'not json {', code: 'BAD_JSON', errorClass: 'Error' }],
    [7, { value: JSON.stringify({ i: 7, poison: 'reject' }), code: 'POLICY', errorClass: 'RejectedError' }],
    [11, { value: JSON.stringify({ i: 11, boom: true }), code: 'HANDLER_FAILED', errorClass: 'TypeError' }],
    [15, { value: null, code: 'TOMBSTONE', errorClass: 'RejectedError' }],
  ]);
  await produceInputs(kafka, topics.names.in, inputs, (x) =>
    poison.has(x.i) ? (poison.get(x.i)!.value as string) : JSON.stringify({ i: x.i }),
  );
  const attempts = new Map<number, number>();
  const hop = createHop({
    kafka: testKafkaClient(),
    name: group,
    log,
    config: toConfig({
      brokers: testBrokers(),
      deadLetterTopic: topics.names.dlq,
      handlerAttempts: 2,
      retryInitialMs: 10,
    }),
    inputs: { in: { topic: topics.names.in, decode: payloadCodec.decode } },
    outputs: { out: { topic: topics.names.out, encode: payloadCodec.encode } },
    handler: (m) => {
      attempts.set(m.value.i, (attempts.get(m.value.i) ?? 0) + 1);
      // A bug that only this message triggers: an unclassified error, retried, then dead-lettered.
      if ((m.value as Payload & { boom?: boolean }).boom) (undefined as unknown as { x: number }).x;
      return [{ to: 'out', value: tag('h', m.value) }];
    },
  });
  try {
    await hop.start();
    const good = inputs.length - poison.size;
    const outputs = await waitFor('the good outputs', async () => {
      const got = await drainTopic(kafka, topics.names.out);
      return got.length >= good ? got : undefined;
    });
    const deadLetters = await waitFor('the dead letters', async () => {
      const got = await drainTopic(kafka, topics.names.dlq);
      return got.length >= poison.size ? got : undefined;
    });
    await waitFor('every offset committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    const committedSeenAt = Date.now();
    await hop.stop();
    expect(outputs.map((m) => payloadCodec.decode(m.value!).i).sort((a, b) => a - b)).toEqual(
      inputs.filter((x) => !poison.has(x.i)).map((x) => x.i),
    );
    expect(deadLetters).toHaveLength(poison.size);
    expect(attempts.get(11)).toBe(2);
    const counted = await meters.collect();
    expect(counted.get('adtrace.stream.consumed')).toBe(inputs.length);
    expect(counted.get('adtrace.stream.produced')).toBe(good);
    expect(counted.get('adtrace.stream.dead_lettered')).toBe(poison.size);
    // One latency per message, each from its own handling start to its chunk's commit: within a
    // chunk the first message waits for all the others, so they differ; none is longer than from
    // the first handling to the moment the test saw every offset committed (a message's latency
    // counted from its produce time, or summed over its chunk, would be).
    const latency = (await meters.histograms()).get('adtrace.stream.processing.duration')!;
    expect(latency.count).toBe(inputs.length);
    expect(latency.min).toBeGreaterThanOrEqual(0);
    expect(latency.min).toBeLessThan(latency.max);
    // One record per committed chunk: its messages add up to every input, each chunk at least one.
    const chunks = (await meters.histograms()).get('adtrace.stream.chunk.messages')!;
    expect(chunks.sum).toBe(inputs.length);
    expect(chunks.min).toBeGreaterThanOrEqual(1);
    const processSpans = byEvent(tracing.spans(), `process ${topics.names.in}`);
    const firstHandling = Math.min(...[...processSpans.values()].map((s) => s.startMs));
    expect(latency.max).toBeLessThanOrEqual(committedSeenAt - firstHandling);
    expect(counted.get('adtrace.stream.consumer.lag')).toBe(0);
    // One span per message: a dead letter has no span of its own (its process span says why).
    expect(tracing.spans().filter((s) => s.kind === SpanKindCode.PRODUCER)).toEqual([]);
    for (const m of deadLetters) {
      const eventId = header(m.headers, 'adtrace.event-id')!;
      const x = inputs.find((i) => i.eventId === eventId)!;
      const expected = poison.get(x.i)!;
      expect(m.key?.toString()).toBe(x.key);
      expect(m.value === null ? null : m.value.toString()).toBe(expected.value);
      expect(header(m.headers, DeadLetterHeaders.code)).toBe(expected.code);
      expect(header(m.headers, DeadLetterHeaders.errorClass)).toBe(expected.errorClass);
      expect(header(m.headers, DeadLetterHeaders.reason)?.length).toBeGreaterThan(5);
      expect(header(m.headers, DeadLetterHeaders.stage)).toBe(group);
      expect(header(m.headers, DeadLetterHeaders.originalTopic)).toBe(topics.names.in);
      expect(header(m.headers, DeadLetterHeaders.originalPartition)).toMatch(/^[01]$/);
      expect(header(m.headers, DeadLetterHeaders.originalOffset)).toMatch(/^\d+$/);
      expect(Number(header(m.headers, DeadLetterHeaders.originalTimestamp))).toBeGreaterThan(0);
      expect(Number(header(m.headers, DeadLetterHeaders.deadLetteredAt))).toBeGreaterThanOrEqual(
        Number(header(m.headers, DeadLetterHeaders.originalTimestamp)),
      );
      expect(header(m.headers, DeadLetterHeaders.originalTraceparent)).toBe(`00-${x.traceId}-${x.spanId}-01`);
      // The dead letter joins the event's trace below the process span that parked it.
      const processSpan = processSpans.get(eventId)!;
      expect(traceIdOf(m.headers)).toBe(x.traceId);
      expect(header(m.headers, 'traceparent')!.split('-')[2]).toBe(processSpan.spanId);
      expect(processSpan.status).toBe(StatusCode.ERROR);
      expect(processSpan.events).toContain('adtrace.dead_letter');
      expect(processSpan.attributes['adtrace.kafka.produced_topics']).toBe(topics.names.dlq);
      expect(processSpan.attributes['adtrace.kafka.produced_bytes']).toBe(kafkaMessageBytes(m));
    }
  } finally {
    await hop.stop();
    await topics.cleanup();
  }
});
