import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { testBrokers, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { spawnHop, stopChild, waitReady } from './support/child.ts';
import { drainTopic, header, kafkaFor, makeInputs, produceInputs, traceIdOf, waitFor } from './support/kafka-io.ts';
import { type OtlpCollector, startOtlpCollector } from './support/otlp-collector.ts';
import { byEvent } from './support/spans.ts';

/**
 * The stock kafkajs instrumentation is preloaded into every service. Here it really is: the child
 * hop starts with the production preload (packages/telemetry/src/preload.ts — kafkajs loaded
 * instrumented, the SDK with the event-id and cost processors, batch export over OTLP/gRPC) and
 * exports to the warehouse's receiver in this process. With the instrumentation active, it must
 * not add a root `poll` trace per batch, a `transaction` span that re-parents sends, or its own
 * traceparent on our messages.
 */
let collector: OtlpCollector;
beforeAll(async () => {
  collector = await startOtlpCollector();
});
afterAll(() => collector.stop());

describe.each(['at-least-once', 'exactly-once'] as const)('with the kafkajs instrumentation registered, %s', (mode) => {
  test('the runtime keeps one trace per message and the instrumentation records nothing of its clients', async () => {
    const topics = await testTopics(['in', 'out', 'dlq', 'control'], { partitions: 3 });
    const kafka = kafkaFor(testBrokers());
    const group = uniqueGroupId('instrumented');
    const inputs = makeInputs(120);
    await produceInputs(kafka, topics.names.in, inputs);
    const child = spawnHop(
      {
        KAFKA_BROKERS: testBrokers().join(','),
        HOP_NAME: group,
        HOP_INPUT: topics.names.in,
        HOP_OUTPUT: topics.names.out,
        HOP_MODE: mode,
        HOP_BATCH_SIZE: '25',
        HOP_DEAD_LETTER_TOPIC: topics.names.dlq,
        HOP_CONTROL_TOPIC: topics.names.control,
        OTEL_SERVICE_NAME: group,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: collector.endpoint,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      { telemetry: true },
    );
    try {
      await waitReady(child);
      const outputs = await waitFor('all outputs', async () => {
        const got = await drainTopic(kafka, topics.names.out);
        return got.length >= inputs.length ? got : undefined;
      });
      // SIGTERM: the hop stops, then shuts the telemetry down, exporting what it still holds.
      expect(await stopChild(child)).toBe(0);
      const spans = collector.spans().filter((s) => s.attributes['service.name'] === group);
      const fromInstrumentation = spans.filter((s) => s.scope === '@opentelemetry/instrumentation-kafkajs');
      // The control send (not suppressed) proves the instrumentation was active in the child.
      expect(fromInstrumentation.map((s) => s.name)).toEqual([`send ${topics.names.control}`]);
      // An event handled twice (a chunk abandoned and fetched again) has two process spans. It
      // happened once in CI (exactly-once, "two process spans for event evt-8"), and never alone:
      // the child's log then says what moved its partitions.
      let process: ReturnType<typeof byEvent>;
      try {
        process = byEvent(spans, `process ${topics.names.in}`);
      } catch (error) {
        throw new Error(`${(error as Error).message}; the child's log:\n${child.output().slice(-6000)}`);
      }
      const handlerSpans = byEvent(spans, 'ads.test_handler');
      expect(outputs).toHaveLength(inputs.length);
      // The runtime records no span per output; the instrumentation none for its suppressed sends.
      expect(spans.filter((s) => s.name === `send ${topics.names.out}`)).toEqual([]);
      for (const x of inputs) {
        const p = process.get(x.eventId)!;
        // Through the production pipeline: priced by its cost processor, the resource its SDK set.
        expect(p.attributes['adtrace.cost.cpu_us']).toBeTypeOf('number');
        expect(p.attributes['messaging.system']).toBe('kafka');
        expect(p.attributes['adtrace.kafka.produced_topics']).toBe(topics.names.out);
        expect([p.traceId, p.parentSpanId]).toEqual([x.traceId, x.spanId]);
        const h = handlerSpans.get(x.eventId)!;
        expect([h.traceId, h.parentSpanId]).toEqual([x.traceId, p.spanId]);
      }
      for (const m of outputs) {
        const eventId = header(m.headers, 'adtrace.event-id')!;
        expect(traceIdOf(m.headers)).toBe(inputs.find((x) => x.eventId === eventId)!.traceId);
        // Emitted inside the handler's span: that span is the output's traceparent.
        expect(header(m.headers, 'traceparent')!.split('-')[2]).toBe(handlerSpans.get(eventId)!.spanId);
      }
      const traceIds = new Set(inputs.map((x) => x.traceId));
      // No root trace per batch (a `poll` span), per transaction or per produce request: every
      // span but the control send belongs to some input's trace.
      const control = fromInstrumentation[0]!;
      const strays = spans.filter((s) => !traceIds.has(s.traceId) && s.spanId !== control.spanId);
      expect(strays.map((s) => s.name)).toEqual([]);
    } finally {
      await stopChild(child, 'SIGKILL');
      // The child hop declares a store, so the runtime created its changelog.
      await topics.admin.deleteTopics({ topics: [`${group}.counts.changelog`] }).catch(() => {});
      await topics.cleanup();
    }
  });
});
