import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { serializeTraceExportRequest } from './otlp-trace-serializer.ts';
import { AdtraceTraceExporter, stockTraceSerializer } from './trace-exporter.ts';

function spansOf(
  make: (tracers: ReturnType<TracerProvider['getTracer']>[]) => void,
  resourceAttrs = {},
): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'svc', 'service.instance.id': 'svc@h', ...resourceAttrs }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  make([
    provider.getTracer('@adtrace/stream'),
    provider.getTracer('other', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' }),
  ]);
  return exporter.getFinishedSpans();
}

const remote = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
  isRemote: true,
  traceState: new TraceState('vendor=a,other=b'),
});

describe('serializeTraceExportRequest', () => {
  const stock = stockTraceSerializer();

  it('writes the very bytes of the stock ProtobufTraceSerializer, span shapes the runtime makes', () => {
    const spans = spansOf(([t]) => {
      for (let i = 0; i < 300; i++) {
        const s = t!.startSpan(
          `process bench.in.${i % 3}`,
          {
            kind: SpanKind.CONSUMER,
            attributes: {
              'messaging.destination.partition.id': String(i % 3),
              'messaging.kafka.offset': i * 1_000_003,
              'adtrace.kafka.bytes': 420 + i,
              'adtrace.cost.cpu_us': 0,
              'adtrace.event_id': `e${i}`,
            },
          },
          remote,
        );
        s.setAttributes({ 'adtrace.kafka.produced_bytes': 430, 'adtrace.kafka.produced_topics': 'a,b' });
        s.setAttribute('adtrace.cost.cpu_us', i * 7.25);
        s.end();
      }
    });
    expect(spans.length).toBe(300);
    expect(Buffer.from(serializeTraceExportRequest(spans))).toEqual(Buffer.from(stock.serializeRequest(spans)!));
  });

  it('and of every other shape: events, links, status, arrays, non-ASCII, big numbers, lengths of 1 to 4 bytes, scopes', () => {
    const spans = spansOf(
      ([a, b]) => {
        const parent = a!.startSpan('parent', { kind: SpanKind.SERVER }, remote);
        const local = trace.setSpan(ROOT_CONTEXT, parent);
        const child = b!.startSpan(
          'ads.auction — ünïcode 🚀',
          {
            links: [
              { context: parent.spanContext(), attributes: { why: 'flush' } },
              { context: trace.getSpanContext(remote)! },
            ],
            attributes: {
              s: 'x'.repeat(200),
              mid: 'z'.repeat(5_000),
              long: 'y'.repeat(20_000),
              t: true,
              f: false,
              neg: -5,
              big: 2 ** 40 + 3,
              huge: 2 ** 70,
              dbl: 3.5,
              nan: Number.NaN,
              strs: ['a', 'ü', ''],
              nums: [1, -2, 2.5],
              bools: [true, false],
              empty: [],
            },
          },
          local,
        );
        child.addEvent('adtrace.dead_letter', { 'adtrace.dlq.code': 'X', 'adtrace.dlq.reason': 'why ✗' });
        child.addEvent('bare');
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered: X' });
        child.end();
        parent.setStatus({ code: SpanStatusCode.OK });
        parent.end();
        a!.startSpan('root, no parent', { attributes: { lengths: 'w'.repeat(2_200_000) } }).end();
      },
      { 'deployment.environment': 'ü-test', n: 3 },
    );
    expect(spans.length).toBe(3);
    expect(Buffer.from(serializeTraceExportRequest(spans))).toEqual(Buffer.from(stock.serializeRequest(spans)!));
  }, 60_000); // a 2.2 MB string through the stock serializer: 1.5 s on a quiet machine, over 5 s at load 20

  it('an empty batch is an empty request', () => {
    expect(serializeTraceExportRequest([]).length).toBe(0);
    expect(Buffer.from(stock.serializeRequest([])!).length).toBe(0);
  });

  it('is what the production exporter uses (the stock exporter internals it relies on are still there)', () => {
    expect(new AdtraceTraceExporter({ url: 'http://127.0.0.1:1' }).leanSerializer).toBe(true);
  });
});
