import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import {
  createSink,
  DeadLetterHeaders,
  HopCrashedError,
  type Log,
  RejectedError,
  type SinkRecord,
  TransientError,
  toConfig,
} from '../src/index.ts';
import { type Payload, payloadCodec } from './support/codecs.ts';
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

const config = (dlq: string) =>
  toConfig({ brokers: testBrokers(), batchSize: 50, deadLetterTopic: dlq, retryInitialMs: 10, handlerAttempts: 2 });
const id = (r: SinkRecord<unknown>) => `${r.partition}/${r.offset}`;

test('records reach write in bulk; offsets are committed only after it resolved; a transient failure is retried, nothing lost', async () => {
  const topics = await testTopics(['in', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('sink');
  const inputs = makeInputs(120);
  await produceInputs(kafka, topics.names.in, inputs);
  const stored = new Map<string, SinkRecord<Payload>>();
  const calls: { ids: string[]; attempt: number }[] = [];
  let open = () => {};
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let failed = false;
  const sink = createSink({
    name: group,
    log,
    config: config(topics.names.dlq),
    input: { topic: topics.names.in, decode: payloadCodec.decode },
    write: async (records, ctx) => {
      calls.push({ ids: records.map(id), attempt: ctx.attempt });
      await gate;
      if (!failed) {
        failed = true;
        throw new TransientError('store away');
      }
      for (const r of records) stored.set(id(r), r);
    },
  });
  try {
    await sink.start();
    await waitFor('the first write to be in flight', () => (calls.length > 0 ? true : undefined));
    await waitFor('the sink to be ready', () => (sink.ready ? true : undefined));
    // The write has not resolved: nothing may be committed yet.
    expect(await committedCount(kafka, group, topics.names.in)).toBe(0);
    open();
    await waitFor('every offset committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    expect(stored.size).toBe(inputs.length);
    // The failed write was retried with the same records.
    const retried = calls.find((c) => c.attempt === 1)!;
    expect(calls.find((c) => c.attempt === 0 && c.ids.join() === retried.ids.join())).toBeDefined();
    // Bulk: at most batchSize records of one partition per call, in offset order.
    expect(Math.max(...calls.map((c) => c.ids.length))).toBeGreaterThan(1);
    for (const { ids } of calls) {
      expect(ids.length).toBeLessThanOrEqual(50);
      expect(new Set(ids.map((x) => x.split('/')[0])).size).toBe(1);
      const offsets = ids.map((x) => Number(x.split('/')[1]));
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
    for (const x of inputs) {
      const r = [...stored.values()].find((s) => s.eventId === x.eventId)!;
      expect(r.value).toEqual({ i: x.i });
      expect([r.traceId, r.key?.toString(), r.topic]).toEqual([x.traceId, x.key, topics.names.in]);
      expect(r.timestamp).toBeGreaterThan(0);
      expect(header(r.headers, 'traceparent')).toBe(`00-${x.traceId}-${x.spanId}-01`);
    }
  } finally {
    open();
    await sink.stop();
    await topics.cleanup();
  }
});

test('each record gets a process span in its own producer trace, also when written in bulk', async () => {
  const topics = await testTopics(['in', 'dlq'], { partitions: 3 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('sink-trace');
  const inputs = makeInputs(90);
  await produceInputs(kafka, topics.names.in, inputs);
  let written = 0;
  const sink = createSink({
    name: group,
    log,
    config: config(topics.names.dlq),
    input: { topic: topics.names.in, decode: payloadCodec.decode },
    write: async (records) => {
      written += records.length;
    },
  });
  try {
    await sink.start();
    await waitFor('every offset committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    await sink.stop();
    expect(written).toBe(inputs.length);
    const spans = byEvent(tracing.spans(), `process ${topics.names.in}`);
    for (const x of inputs) {
      const span = spans.get(x.eventId)!;
      expect([span.traceId, span.parentSpanId, span.kind]).toEqual([x.traceId, x.spanId, SpanKindCode.CONSUMER]);
      expect(span.attributes).toMatchObject({ 'adtrace.event_id': x.eventId });
      expect(span.status).toBe(StatusCode.UNSET);
    }
  } finally {
    await sink.stop();
    await topics.cleanup();
  }
});

test('recordSpans: false — no span per record, and a dead letter still lands in its record’s trace', async () => {
  const topics = await testTopics(['in', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('sink-untraced');
  const inputs = makeInputs(40);
  const badIndex = 7;
  await produceInputs(kafka, topics.names.in, inputs, (x) =>
    x.i === badIndex ? 'not json {' : JSON.stringify({ i: x.i }),
  );
  let written = 0;
  const sink = createSink({
    name: group,
    log,
    config: config(topics.names.dlq),
    input: { topic: topics.names.in, decode: payloadCodec.decode },
    recordSpans: false,
    write: async (records) => {
      written += records.length;
    },
  });
  try {
    await sink.start();
    await waitFor('every offset committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    const [deadLetter] = await waitFor('the dead letter', async () => {
      const got = await drainTopic(kafka, topics.names.dlq);
      return got.length > 0 ? got : undefined;
    });
    await sink.stop();
    expect(written).toBe(inputs.length - 1);
    const eventIds = new Set(inputs.map((x) => x.eventId));
    const ours = tracing.spans().filter((s) => eventIds.has(String(s.attributes['adtrace.event_id'] ?? '')));
    expect(ours.filter((s) => s.name === `process ${topics.names.in}`)).toEqual([]);
    const bad = inputs.find((x) => x.i === badIndex)!;
    expect(header(deadLetter!.headers, 'adtrace.event-id')).toBe(bad.eventId);
    // One span per message per hop, and here the record has none: its dead letter continues the
    // trace right below the producer's span (its reason and stage are in its headers, and the
    // warehouse's dead_letters row carries the trace), at no span's cost.
    expect(traceIdOf(deadLetter!.headers)).toBe(bad.traceId);
    expect(header(deadLetter!.headers, 'traceparent')?.split('-')[2]).toBe(bad.spanId);
    expect(header(deadLetter!.headers, 'adtrace.dlq.code')).toBe('BAD_JSON');
    expect(ours).toEqual([]);
  } finally {
    await sink.stop();
    await topics.cleanup();
  }
});

test('what does not decode, or what the store refuses, is dead-lettered with every header; the rest is written', async () => {
  const topics = await testTopics(['in', 'dlq'], { partitions: 2 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('sink-dlq');
  // One key: the bad records sit in one partition among good ones, in the same chunks.
  const inputs = makeInputs(60, 1);
  const bad = new Map<number, { value: string | null; code: string; errorClass: string }>([
    [4, { value: 'not json {', code: 'BAD_JSON', errorClass: 'Error' }],
    [9, { value: JSON.stringify({ i: 9, poison: 'reject' }), code: 'REFUSED', errorClass: 'RejectedError' }],
    [30, { value: null, code: 'TOMBSTONE', errorClass: 'RejectedError' }],
  ]);
  await produceInputs(kafka, topics.names.in, inputs, (x) =>
    bad.has(x.i) ? (bad.get(x.i)!.value as string) : JSON.stringify({ i: x.i }),
  );
  const stored = new Set<number>();
  const before = await meters.collect();
  const sink = createSink<Payload>({
    name: group,
    log,
    config: config(topics.names.dlq),
    input: { topic: topics.names.in, decode: payloadCodec.decode },
    // All or nothing, like a database transaction: one refused record fails the whole write.
    write: async (records) => {
      const refused = records.find((r) => r.value.poison === 'reject');
      if (refused) throw new RejectedError('REFUSED', `record ${refused.value.i} refused by the store`);
      for (const r of records) stored.add(r.value.i);
    },
  });
  try {
    await sink.start();
    const deadLetters = await waitFor('the dead letters', async () => {
      const got = await drainTopic(kafka, topics.names.dlq);
      return got.length >= bad.size ? got : undefined;
    });
    await waitFor('every offset committed', async () =>
      (await committedCount(kafka, group, topics.names.in)) === inputs.length ? true : undefined,
    );
    await sink.stop();
    expect([...stored].sort((a, b) => a - b)).toEqual(inputs.filter((x) => !bad.has(x.i)).map((x) => x.i));
    expect(deadLetters).toHaveLength(bad.size);
    const processSpans = byEvent(tracing.spans(), `process ${topics.names.in}`);
    // One span per record: a dead letter has none of its own.
    expect(tracing.spans().filter((s) => s.name === `dead-letter ${topics.names.dlq}`)).toEqual([]);
    for (const m of deadLetters) {
      const eventId = header(m.headers, 'adtrace.event-id')!;
      const x = inputs.find((i) => i.eventId === eventId)!;
      const expected = bad.get(x.i)!;
      expect(m.value === null ? null : m.value.toString()).toBe(expected.value);
      expect(header(m.headers, DeadLetterHeaders.code)).toBe(expected.code);
      expect(header(m.headers, DeadLetterHeaders.errorClass)).toBe(expected.errorClass);
      expect(header(m.headers, DeadLetterHeaders.reason)?.length).toBeGreaterThan(5);
      expect(header(m.headers, DeadLetterHeaders.stage)).toBe(group);
      expect(header(m.headers, DeadLetterHeaders.originalTopic)).toBe(topics.names.in);
      expect(header(m.headers, DeadLetterHeaders.originalPartition)).toMatch(/^[01]$/);
      expect(header(m.headers, DeadLetterHeaders.originalOffset)).toBe(String(x.i));
      expect(Number(header(m.headers, DeadLetterHeaders.originalTimestamp))).toBeGreaterThan(0);
      expect(Number(header(m.headers, DeadLetterHeaders.deadLetteredAt))).toBeGreaterThan(0);
      expect(header(m.headers, DeadLetterHeaders.originalTraceparent)).toBe(`00-${x.traceId}-${x.spanId}-01`);
      const processSpan = processSpans.get(eventId)!;
      // The dead letter continues the trace below the process span that parked it.
      expect(traceIdOf(m.headers)).toBe(x.traceId);
      expect(header(m.headers, 'traceparent')!.split('-')[2]).toBe(processSpan.spanId);
      expect(processSpan.status).toBe(StatusCode.ERROR);
      expect(processSpan.events).toContain('adtrace.dead_letter');
      expect(processSpan.attributes['adtrace.kafka.produced_bytes']).toBe(kafkaMessageBytes(m));
    }
    const after = await meters.collect();
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('adtrace.stream.consumed')).toBe(inputs.length);
    expect(delta('adtrace.stream.written')).toBe(inputs.length - bad.size);
    expect(delta('adtrace.stream.dead_lettered')).toBe(bad.size);
  } finally {
    await sink.stop();
    await topics.cleanup();
  }
});

test('a dead letter the sink cannot store is never dead-lettered again: the sink crashes and leaves it in Kafka', async () => {
  const topics = await testTopics(['dlq'], { partitions: 1 });
  const kafka = kafkaFor(testBrokers());
  const group = uniqueGroupId('sink-dlq-loop');
  await produceInputs(kafka, topics.names.dlq, makeInputs(1), () => 'not json {');
  const sink = createSink({
    name: group,
    log: () => {},
    config: config(topics.names.dlq),
    input: { topic: topics.names.dlq, decode: payloadCodec.decode },
    write: async () => {},
  });
  try {
    await sink.start();
    const crash = await sink.done.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(crash).toBeInstanceOf(HopCrashedError);
    expect(String((crash as Error).message)).toMatch(/never dead-lettered again/);
    expect(await drainTopic(kafka, topics.names.dlq)).toHaveLength(1);
    expect(await committedCount(kafka, group, topics.names.dlq)).toBe(0);
  } finally {
    await sink.stop();
    await topics.cleanup();
  }
});
