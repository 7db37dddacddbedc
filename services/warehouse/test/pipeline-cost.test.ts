import { randomBytes, randomUUID } from 'node:crypto';
import { createHop, type Hop, toConfig as streamConfig } from '@adtrace/stream';
import {
  CostAttributes,
  flushTelemetry,
  readEnv,
  SpanAttributes,
  type TelemetryHandle,
  toConfig,
} from '@adtrace/telemetry';
import { startTelemetry } from '@adtrace/telemetry/sdk';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import type { WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, getJson, startTestService } from './support.ts';

const EVENTS = 30;
const SERVICE = 'hop-cost-test';
const codec = {
  decode: (b: Buffer) => JSON.parse(b.toString('utf8')) as { i: number },
  encode: (v: { i: number }) => Buffer.from(JSON.stringify(v)),
};

/**
 * The stream runtime, our telemetry SDK and the warehouse together: a hop's spans (process,
 * a handler span, send) arrive as rows with the event id on every span and a cost that adds up.
 */
describe('a traced hop lands in the warehouse with its cost', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;
  let telemetry: TelemetryHandle;
  let topics: TestTopics<'in' | 'out' | 'dlq'>;
  let hop: Hop;
  const events = Array.from({ length: EVENTS }, (_, i) => `evt-cost-${i}-${randomUUID().slice(0, 6)}`);

  beforeAll(async () => {
    service = await startTestService(backend);
    telemetry = startTelemetry(
      toConfig({
        ...readEnv({}),
        OTEL_SERVICE_NAME: SERVICE,
        ADTRACE_SERVICE_VERSION: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${service.otlpPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      }),
    );
    topics = await testTopics(['in', 'out', 'dlq'], { partitions: 2 });
    const tracer = trace.getTracer('hop-cost-test');
    hop = createHop({
      name: uniqueGroupId('hop-cost'),
      config: streamConfig({ brokers: testBrokers(), deadLetterTopic: topics.names.dlq }),
      inputs: { in: { topic: topics.names.in, decode: codec.decode } },
      outputs: { out: { topic: topics.names.out, encode: codec.encode } },
      log: () => {},
      handler: (m) =>
        tracer.startActiveSpan('ads.auction', (span) => {
          let x = 0;
          for (const until = performance.now() + 1; performance.now() < until; ) x += Math.sqrt(x + m.value.i);
          span.end();
          return [{ to: 'out' as const, value: { i: m.value.i + (x > 0 ? 0 : 1) } }];
        }),
    });
    const producer = testKafka('hop-cost-producer').producer();
    await producer.connect();
    await producer.send({
      topic: topics.names.in,
      messages: events.map((eventId, i) => ({
        key: `user-${i}`,
        value: JSON.stringify({ i }),
        headers: {
          traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`,
          'adtrace.event-id': eventId,
        },
      })),
    });
    await producer.disconnect();
    await hop.start();
  });

  afterAll(async () => {
    await hop?.stop();
    await telemetry?.shutdown();
    await service?.stop();
    await topics?.cleanup();
    await backend.cleanup();
  });

  it('every span of an event carries its id, and its costs add up', async () => {
    const report = await eventually(
      async () => {
        await flushTelemetry();
        const { body } = await getJson(service.apiPort, '/api/cost?by=span');
        const handled = body.stages.find((s: { stage: string }) => s.stage === `${SERVICE} ads.auction`);
        return handled?.events === EVENTS && body.events === EVENTS ? body : undefined;
      },
      60_000,
      `${EVENTS} traced events in the warehouse`,
    );
    expect(report.costPerEventUsd).toBeGreaterThan(0);

    const { body } = await getJson(service.apiPort, `/api/traces/${events[7]}`);
    const byName = Object.fromEntries(body.spans.map((s: { name: string }) => [s.name, s]));
    const process = byName[`process ${topics.names.in}`];
    const handler = byName['ads.auction'];
    const send = byName[`send ${topics.names.out}`];
    for (const s of [process, handler, send]) {
      expect(s.eventId).toBe(events[7]);
      expect(s.service).toBe(SERVICE);
      expect(s.costUsd).toBeCloseTo(s.computeUsd + s.kafkaUsd + s.queryUsd, 18);
      expect(s.attributes[CostAttributes.totalUsd]).toBe(s.costUsd);
    }
    expect(handler.parentSpanId).toBe(process.spanId);
    expect(handler.computeUsd).toBeGreaterThan(0);
    expect(process.attributes[SpanAttributes.kafkaBytes]).toBeGreaterThan(0);
    expect(process.kafkaUsd).toBeGreaterThan(0);
    expect(send.kind).toBe('producer');
    expect(send.kafkaUsd).toBeGreaterThan(0);
  });
});
