import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  InMemorySpanExporter,
  OTLPTraceExporter,
  type ReadableSpan,
  resourceFromAttributes,
  SimpleSpanProcessor,
  TracerProvider,
} from '@adtrace/telemetry/testing';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarehouseService } from '../src/index.ts';
import { backends, getJson, startTestService } from './support.ts';

const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);

/** A stock SDK per "service": its own resource, the real OTLP/gRPC exporter, nothing of ours. */
function sdk(service: string, port: number, seen: InMemorySpanExporter) {
  return new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'service.instance.id': `${service}@pod-a` }),
    spanProcessors: [
      new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}` }) }),
      new SimpleSpanProcessor({ exporter: seen }),
    ],
  });
}

const edges = (spans: readonly { spanId: string; parentSpanId: string | null; name: string; service: string }[]) =>
  spans.map((s) => `${s.service}:${s.name}:${s.spanId}<-${s.parentSpanId ?? 'root'}`).sort();

const sdkEdges = (spans: readonly ReadableSpan[]) =>
  edges(
    spans.map((s) => ({
      spanId: s.spanContext().spanId,
      parentSpanId: s.parentSpanContext?.spanId ?? null,
      name: s.name,
      service: String(s.resource.attributes['service.name']),
    })),
  );

describe.each(backends)('a stock OTLP exporter into the warehouse on $name', ({ make }) => {
  const backend = make();
  const seen = new InMemorySpanExporter();
  let service: WarehouseService;
  let providers: TracerProvider[] = [];
  const eventId = `evt-${Math.random().toString(36).slice(2, 10)}`;
  let traceId = '';

  beforeAll(async () => {
    service = await startTestService(backend);
    const ingest = sdk('ingest', service.otlpPort, seen);
    const auction = sdk('auction', service.otlpPort, seen);
    providers = [ingest, auction];
    const attrs = { 'adtrace.event_id': eventId };
    const hop1 = ingest
      .getTracer('t')
      .startSpan('process adtrace.bid-requests.raw', { kind: SpanKind.CONSUMER, attributes: attrs });
    traceId = hop1.spanContext().traceId;
    const send = ingest
      .getTracer('t')
      .startSpan(
        'send adtrace.bid-requests',
        { kind: SpanKind.PRODUCER, attributes: attrs },
        trace.setSpan(ROOT_CONTEXT, hop1),
      );
    // The next hop continues from the producer span's context, as the traceparent header carries it.
    const hop2 = auction
      .getTracer('t')
      .startSpan(
        'process adtrace.profiled-requests',
        { kind: SpanKind.CONSUMER, attributes: attrs },
        trace.setSpan(ROOT_CONTEXT, send),
      );
    const inner = auction
      .getTracer('t')
      .startSpan('ads.auction', { attributes: { ...attrs, 'ads.bid_price': 1.25 } }, trace.setSpan(ROOT_CONTEXT, hop2));
    inner.setStatus({ code: SpanStatusCode.ERROR, message: 'no eligible ad' });
    for (const s of [inner, hop2, send, hop1]) s.end();
    await Promise.all(providers.map((p) => p.forceFlush()));
  });

  afterAll(async () => {
    await Promise.all(providers.map((p) => p.shutdown()));
    await service?.stop();
    await backend.cleanup();
  });

  it('the trace query returns the same tree, with the same parents', async () => {
    const { status, body } = await getJson(service.apiPort, `/api/traces/${traceId}`);
    expect(status).toBe(200);
    expect(body.traceId).toBe(traceId);
    expect(body.spans).toHaveLength(4);
    expect(edges(body.spans)).toEqual(sdkEdges(seen.getFinishedSpans()));
    const inner = body.spans.find((s: { name: string }) => s.name === 'ads.auction');
    expect(inner).toMatchObject({ statusCode: 'error', statusMessage: 'no eligible ad', eventId, service: 'auction' });
    expect(inner.attributes['ads.bid_price']).toBe(1.25);
  });

  it("stores a process's resource once, not on each span's row, and gives each span back its resource's attributes", async () => {
    const { body } = await getJson(service.apiPort, `/api/traces/${traceId}`);
    for (const s of body.spans) {
      expect(s.attributes).toMatchObject({
        'service.instance.id': `${s.service}@pod-a`,
        'otel.scope.name': 't',
        'adtrace.event_id': eventId,
      });
    }
    // What the name of a messaging span says, spelled out as semconv names it.
    const send = body.spans.find((s: { name: string }) => s.name === 'send adtrace.bid-requests');
    expect(send.attributes).toMatchObject({
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'adtrace.bid-requests',
    });
    // Each row keeps its own attributes only: two processes (and one tracer each), two resources.
    const rows = await service.warehouse.sql(
      `SELECT CAST(s.attributes AS VARCHAR) AS attributes, CAST(r.attributes AS VARCHAR) AS resource
       FROM spans s JOIN span_resources r ON r.resource_id = s.resource_id WHERE s.event_id = $1`,
      [eventId],
    );
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => String(r.resource))).size).toBe(2);
    for (const r of rows)
      expect(String(r.attributes)).not.toMatch(/service\.instance\.id|otel\.scope\.name|adtrace\.event_id/);
  });

  it('finds the trace by event id too', async () => {
    const { status, body } = await getJson(service.apiPort, `/api/traces/${eventId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ traceId, eventId });
  });

  it('adtrace trace <event-id> --json prints the same tree', async () => {
    const env = { ...process.env, ADTRACE_WAREHOUSE_API: `http://127.0.0.1:${service.apiPort}` };
    const { stdout } = await run(
      process.execPath,
      [join(root, 'packages/cli/src/main.ts'), 'trace', eventId, '--json'],
      { env, timeout: 30_000 },
    );
    const printed = JSON.parse(stdout);
    expect(printed.traceId).toBe(traceId);
    expect(printed.eventId).toBe(eventId);
    expect(edges(printed.spans)).toEqual(sdkEdges(seen.getFinishedSpans()));
    const rootSpan = printed.spans.find((s: { parentSpanId: string | null }) => s.parentSpanId === null);
    expect(rootSpan).toMatchObject({ name: 'process adtrace.bid-requests.raw', startMs: 0 });
    for (const s of printed.spans)
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining([
          'traceId',
          'spanId',
          'parentSpanId',
          'service',
          'name',
          'kind',
          'startMs',
          'durationMs',
          'costUsd',
          'attributes',
        ]),
      );
  });

  it('adtrace trace without --json draws the waterfall; an unknown id exits 3', async () => {
    const env = { ...process.env, ADTRACE_WAREHOUSE_API: `http://127.0.0.1:${service.apiPort}` };
    const cli = join(root, 'packages/cli/src/main.ts');
    const { stdout } = await run(process.execPath, [cli, 'trace', traceId], { env, timeout: 30_000 });
    expect(stdout).toContain(`trace ${traceId}`);
    expect(stdout).toMatch(/ingest\s+process adtrace\.bid-requests\.raw/);
    expect(stdout).toMatch(
      /auction\s+\s+└ process adtrace\.profiled-requests|auction\s+.*└ process adtrace\.profiled-requests/,
    );
    await expect(
      run(process.execPath, [cli, 'trace', 'evt-that-never-was'], { env, timeout: 30_000 }),
    ).rejects.toMatchObject({ code: 3 });
  });
});
