import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createHop, eventIdOf, type Log, toConfig } from '../src/index.ts';
import { payloadCodec, tag } from './support/codecs.ts';
import { testKafkaClient } from './support/kafka-client.ts';
import { drainTopic, header, kafkaFor, makeInputs, produceInputs, traceIdOf, waitFor } from './support/kafka-io.ts';
import { byEvent, SpanKindCode } from './support/spans.ts';
import { registerTestTracing, type TestTracing } from './support/tracing.ts';

const log: Log = (level, message, fields) => {
  if (level === 'error' || level === 'warn') console.error(level, message, fields);
};
const payloadSchema = { recordName: 'dev.adtrace.test.Payload', fingerprint: Buffer.from('0102030405060708', 'hex') };
let tracing: TestTracing;
beforeAll(() => {
  tracing = registerTestTracing();
});
afterAll(() => tracing.shutdown());

describe.each(['at-least-once', 'exactly-once'] as const)('trace continuity over two hops, %s', (mode) => {
  test('each output continues its own input trace; each process span is a child of the span that produced its message', async () => {
    const topics = await testTopics(['in', 'mid', 'out', 'dlq'], { partitions: 3 });
    const kafka = kafkaFor(testBrokers());
    const [groupA, groupB] = [uniqueGroupId('hop-a'), uniqueGroupId('hop-b')];
    const { in: input, mid, out, dlq } = topics.names;
    const config = () => toConfig({ brokers: testBrokers(), batchSize: 40, deadLetterTopic: dlq });
    // Produced before the hops start, so every fetch brings a batch of many messages.
    const inputs = makeInputs(240);
    await produceInputs(kafka, input, inputs);
    const hopA = createHop({
      kafka: testKafkaClient(),
      name: groupA,
      mode,
      log,
      config: config(),
      inputs: { in: { topic: input, decode: payloadCodec.decode, schema: payloadSchema } },
      outputs: { next: { topic: mid, encode: payloadCodec.encode, schema: payloadSchema } },
      handler: (m) => [{ to: 'next', value: tag('a', m.value) }],
    });
    const handlerTracer = trace.getTracer('stream-test-handler');
    const eventIdsSeenByHandler: (string | undefined)[] = [];
    const hopB = createHop({
      kafka: testKafkaClient(),
      name: groupB,
      mode,
      log,
      config: config(),
      inputs: { in: { topic: mid, decode: payloadCodec.decode } },
      outputs: { done: { topic: out, encode: payloadCodec.encode } },
      handler: (m, ctx) =>
        handlerTracer.startActiveSpan('ads.test_handler', (span) => {
          // What a span processor's onStart would read to tag the service's own spans.
          if (eventIdOf(context.active()) !== m.eventId) eventIdsSeenByHandler.push(eventIdOf(context.active()));
          ctx.emit({ to: 'done', value: tag('b', m.value) });
          span.end();
        }),
    });
    try {
      await Promise.all([hopA.start(), hopB.start()]);
      const outputs = await waitFor(
        'all outputs',
        async () => {
          const got = await drainTopic(kafka, out);
          return got.length >= inputs.length ? got : undefined;
        },
        50_000,
      );
      await Promise.all([hopA.stop(), hopB.stop()]);
      expect(outputs).toHaveLength(inputs.length);
      expect(eventIdsSeenByHandler).toEqual([]);

      const spans = tracing.spans();
      const [processA, processB] = [`process ${input}`, `process ${mid}`].map((n) => byEvent(spans, n));
      const handlerOf = (eventId: string) =>
        spans.find((s) => s.name === 'ads.test_handler' && s.parentSpanId === processB.get(eventId)!.spanId)!;
      // One span per message per hop: no PRODUCER span for any output.
      expect(spans.filter((s) => s.kind === SpanKindCode.PRODUCER).map((s) => s.name)).toEqual([]);
      const traceIds = new Set(inputs.map((x) => x.traceId));
      for (const x of inputs) {
        const pa = processA.get(x.eventId)!;
        expect(pa.kind).toBe(SpanKindCode.CONSUMER);
        expect([pa.traceId, pa.parentSpanId]).toEqual([x.traceId, x.spanId]);
        expect(pa.name).toBe(`process ${input}`);
        expect(pa.attributes).toMatchObject({
          'messaging.destination.partition.id': expect.stringMatching(/^[012]$/),
          // What its message wrote: the output has no span of its own.
          'adtrace.kafka.produced_topics': mid,
          // Schema lineage on every process span of a spec that names its schema.
          'adtrace.schema.name': 'dev.adtrace.test.Payload',
          'adtrace.schema.fingerprint': '0102030405060708',
        });
        // Per process, not per span (the resource and service.name say them); keys never (PII).
        // Nor what the name says (the warehouse's trace query spells those out: span-attributes.ts).
        const perProcess = ['messaging.system', 'messaging.consumer.group.name', 'messaging.kafka.message.key'];
        const inName = ['messaging.destination.name', 'messaging.operation.type'];
        for (const name of [...perProcess, ...inName]) {
          expect(pa.attributes[name], name).toBeUndefined();
        }
        // The cost model prices key + value + headers, as for plain kafkajs spans.
        const body = JSON.stringify({ i: x.i }).length;
        expect(pa.attributes['adtrace.kafka.bytes']).toBeGreaterThan(body + x.key.length);
        expect(pa.attributes['adtrace.kafka.produced_bytes']).toBeGreaterThan(body);
        // The second hop's process span is a child of the span its input was emitted in: hop A
        // returned its output, so hop A's process span (read from the message headers).
        const pb = processB.get(x.eventId)!;
        expect([pb.parentSpanId, pb.traceId]).toEqual([pa.spanId, x.traceId]);
        const handlerSpan = handlerOf(x.eventId);
        expect(handlerSpan.traceId).toBe(x.traceId);
        expect(pb.attributes['adtrace.kafka.produced_topics']).toBe(out);
      }
      for (const m of outputs) {
        const eventId = header(m.headers, 'adtrace.event-id')!;
        const x = inputs.find((i) => i.eventId === eventId)!;
        expect(traceIdOf(m.headers)).toBe(x.traceId);
        // ctx.emit inside the handler's span: that span is the output's traceparent.
        expect(header(m.headers, 'traceparent')?.split('-')[2]).toBe(handlerOf(eventId).spanId);
        // The process span carries the bytes of exactly what was written (key + value + headers).
        expect(processB.get(eventId)!.attributes['adtrace.kafka.produced_bytes']).toBe(kafkaMessageBytes(m));
      }
      // No root trace per batch or per transaction: every span belongs to some input's trace
      // (here without the kafkajs instrumentation; instrumentation.test.ts checks it with it active).
      expect(spans.filter((s) => !traceIds.has(s.traceId)).map((s) => s.name)).toEqual([]);
    } finally {
      await Promise.all([hopA.stop(), hopB.stop()]);
      await topics.cleanup();
      tracing.reset();
    }
  });
});
