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
// List prices (packages/telemetry README "Prices"), written out rather than read from the code under test.
const VCPU_HOUR_USD = 0.04048;
const KAFKA_IN_GIB_USD = 0.1;
const KAFKA_OUT_GIB_USD = 0.05;
const SERVICE = 'hop-cost-test';
const codec = {
  decode: (b: Buffer) => JSON.parse(b.toString('utf8')) as { i: number },
  encode: (v: { i: number }) => Buffer.from(JSON.stringify(v)),
};

/**
 * The stream runtime, our telemetry SDK and the warehouse together: a hop's spans (process,
 * a handler span, send) arrive as rows with the event id on every span, priced at the list
 * prices, and their CPU together is no more than this process spent while they ran.
 */
describe('a traced hop lands in the warehouse with its cost', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;
  let telemetry: TelemetryHandle;
  let topics: TestTopics<'in' | 'out' | 'dlq'>;
  let hop: Hop;
  let cpuAtStart: NodeJS.CpuUsage;
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
    cpuAtStart = process.cpuUsage();
    await hop.start();
  });

  afterAll(async () => {
    await hop?.stop();
    await telemetry?.shutdown();
    await service?.stop();
    await topics?.cleanup();
    await backend.cleanup();
  });

  it('every span of an event carries its id and is priced at the list prices', async () => {
    const report = await eventually(
      async () => {
        await flushTelemetry();
        const { body } = await getJson(service.apiPort, '/api/cost?by=span');
        const handled = body.stages.find((s: { stage: string }) => s.stage === `${SERVICE} ads.auction`);
        if (handled?.events !== EVENTS || body.events !== EVENTS) return undefined;
        // The process span ends after the handler's (at the chunk's end): wait for it too.
        const trace7 = await getJson(service.apiPort, `/api/traces/${events[7]}`);
        const names = new Set((trace7.body.spans ?? []).map((s: { name: string }) => s.name));
        const all = [`process ${topics.names.in}`, 'ads.auction'].every((n) => names.has(n));
        return all ? body : undefined;
      },
      60_000,
      `${EVENTS} traced events in the warehouse`,
    );
    expect(report.events).toBe(EVENTS);

    const { body } = await getJson(service.apiPort, `/api/traces/${events[7]}`);
    const byName = Object.fromEntries(body.spans.map((s: { name: string }) => [s.name, s]));
    const process = byName[`process ${topics.names.in}`];
    const handler = byName['ads.auction'];
    // One span per message per hop: the output has no send span; its process span carries it.
    expect(Object.keys(byName).sort()).toEqual(['ads.auction', `process ${topics.names.in}`]);
    for (const s of [process, handler]) {
      expect(s.eventId).toBe(events[7]);
      expect(s.service).toBe(SERVICE);
      // Compute at the Fargate vCPU-hour list price, from the CPU the span was charged.
      const cpuUs = s.attributes[CostAttributes.cpuMicros];
      expect(cpuUs).toBeTypeOf('number');
      expect(s.computeUsd).toBeCloseTo((cpuUs / 3.6e9) * VCPU_HOUR_USD, 18);
      // Priced by the warehouse as it loaded the span: the span carries what it measured, no price.
      expect(s.attributes[CostAttributes.totalUsd]).toBeUndefined();
    }
    expect(handler.parentSpanId).toBe(process.spanId);
    // The consumed message, counted by hand: key + value + header names and values.
    const consumed =
      'user-7'.length +
      JSON.stringify({ i: 7 }).length +
      'traceparent'.length +
      55 +
      'adtrace.event-id'.length +
      events[7]!.length;
    expect(process.attributes[SpanAttributes.kafkaBytes]).toBe(consumed);
    // The output keeps the key, the event id and a traceparent (ads.auction's): the same size.
    expect(process.attributes[SpanAttributes.kafkaBytesProduced]).toBe(consumed);
    expect(process.attributes['adtrace.kafka.produced_topics']).toBe(topics.names.out);
    // Consumed bytes are data out; produced bytes data in, at twice the price.
    const kafkaUsd = (consumed / 1024 ** 3) * (KAFKA_OUT_GIB_USD + KAFKA_IN_GIB_USD);
    expect(process.kafkaUsd).toBeCloseTo(kafkaUsd, 18);
    expect(process.costUsd).toBeCloseTo(process.computeUsd + kafkaUsd, 18);
  });

  it("charges the hop's spans no more CPU, together, than this process spent while they ran", async () => {
    // Every span of the hop ended before its rows reached the warehouse (previous test), so the
    // process's CPU since the hop started bounds what they may have been charged. This process
    // also ran the warehouse and the producer meanwhile: the bound is loose, never tight.
    const used = process.cpuUsage(cpuAtStart);
    // The hop's spans only: the warehouse's own load spans (same process, same service name here)
    // are timed by the process clock, which also ran the hop meanwhile.
    const { body } = await getJson(service.apiPort, '/api/cost?by=span');
    const hopStages = body.stages.filter(
      (s: { stage: string }) => s.stage.startsWith(`${SERVICE} `) && !s.stage.startsWith(`${SERVICE} warehouse.`),
    );
    expect(Math.max(...hopStages.map((s: { events: number }) => s.events))).toBe(EVENTS);
    const computeUsd = hopStages.reduce((sum: number, s: { computeUsd: number }) => sum + s.computeUsd, 0);
    const chargedUs = (computeUsd / VCPU_HOUR_USD) * 3.6e9;
    expect(chargedUs).toBeGreaterThan(0);
    expect(chargedUs).toBeLessThanOrEqual(used.user + used.system);
  });
});
