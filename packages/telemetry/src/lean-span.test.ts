import {
  type Attributes,
  context,
  createContextKey,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CostAttributes } from './attributes.ts';
import { toConfig } from './config.ts';
import { telemetryHandle } from './handle.ts';
import { LeanSpan, type LeanTracer, leanTracer, msToHrTime } from './lean-span.ts';
import { serializeTraceExportRequest } from './otlp-trace-serializer.ts';
import { startTelemetry } from './sdk.ts';
import { stockTraceSerializer } from './trace-exporter.ts';

// The SDK as the preload starts it, exporting to memory (no I/O): the lean tracer must make, for
// the runtime's per-message spans, what the SDK's tracer makes.
const config = (ratio = '1') =>
  toConfig({
    OTEL_SERVICE_NAME: 'test',
    ADTRACE_SERVICE_VERSION: '1',
    ADTRACE_INSTANCE_ID: 'test-instance-lean',
    ADTRACE_TRACE_SAMPLE_RATIO: ratio,
    OTEL_BSP_SCHEDULE_DELAY: '10',
  });

const UPSTREAM = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const getter = {
  get: (c: Record<string, string>, k: string) => c[k],
  keys: (c: Record<string, string>) => Object.keys(c),
};
const setter = {
  set(c: Record<string, string>, k: string, v: string) {
    c[k] = v;
  },
};
// As the runtime starts its process spans: with the CPU attribute it sets itself at the end.
const attrs = (): Attributes => ({
  'messaging.destination.partition.id': '2',
  'messaging.kafka.offset': 41,
  [CostAttributes.cpuMicros]: 0,
});

function started(ratio = '1'): { exporter: InMemorySpanExporter; lean: LeanTracer } {
  const exporter = new InMemorySpanExporter();
  startTelemetry(config(ratio), { spanExporter: exporter });
  const lean = leanTracer();
  if (!lean) throw new Error('startTelemetry registered no lean tracer');
  return { exporter, lean };
}

async function finished(exporter: InMemorySpanExporter): Promise<ReadableSpan[]> {
  await telemetryHandle()?.flush();
  return exporter.getFinishedSpans();
}

/** A sampled upstream's child: recorded, sampled, with the upstream's state, and the sampler never asked. */
function sampledChildOf(lean: LeanTracer, asked: { mock: { calls: unknown[] } }): void {
  const parent = lean.extract({ traceparent: UPSTREAM, tracestate: 'rojo=00f067aa0ba902b7' }, getter);
  const sampled = lean.startSpan('svc', 'ads.serve', SpanKind.INTERNAL, {}, parent);
  expect(sampled.isRecording()).toBe(true);
  expect(sampled.spanContext().traceFlags).toBe(1);
  expect(sampled.spanContext().traceState?.serialize()).toBe('rojo=00f067aa0ba902b7');
  expect(asked.mock.calls).toHaveLength(0);
  sampled.end();
}

afterEach(async () => {
  await telemetryHandle()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
});

describe('the lean tracer', () => {
  it('makes the span the SDK makes: same fields through the same processors and exporter', async () => {
    const { exporter, lean } = started();
    const parent = lean.extract({ traceparent: UPSTREAM }, getter);
    const sdk = trace
      .getTracer('@adtrace/stream')
      .startSpan('process t', { kind: SpanKind.CONSUMER, attributes: attrs() }, parent);
    const leanSpan = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, attrs(), parent);
    for (const span of [sdk, leanSpan]) {
      span.setAttribute(CostAttributes.cpuMicros, 12);
      span.setAttributes({ 'adtrace.kafka.produced_bytes': 300, bad: undefined as never });
      span.addEvent('adtrace.dead_letter', { 'adtrace.dlq.code': 'SCHEMA' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'dead-lettered: SCHEMA' });
      span.end();
    }
    const [a, b] = await finished(exporter);
    expect(b).toBeInstanceOf(LeanSpan);
    const view = (s: ReadableSpan) => ({
      name: s.name,
      kind: s.kind,
      traceId: s.spanContext().traceId,
      traceFlags: s.spanContext().traceFlags,
      parent: s.parentSpanContext,
      attributes: s.attributes,
      status: s.status,
      events: s.events.map((e) => ({ name: e.name, attributes: e.attributes })),
      links: s.links,
      resource: s.resource.attributes,
      scope: s.instrumentationScope.name,
      dropped: [s.droppedAttributesCount, s.droppedEventsCount, s.droppedLinksCount],
      ended: s.ended,
    });
    expect(view(b!)).toEqual(view(a!));
    expect(b!.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(b!.spanContext().spanId).not.toBe(a!.spanContext().spanId);
    // Times: the wall clock at start, the end after it, the duration their difference.
    const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
    expect(Math.abs(ms(b!.startTime) - Date.now())).toBeLessThan(5_000);
    expect(ms(b!.endTime)).toBeGreaterThanOrEqual(ms(b!.startTime));
    expect(ms(b!.duration)).toBeCloseTo(ms(b!.endTime) - ms(b!.startTime), 3);
  });

  it('encodes to the stock OTLP serializer’s very bytes (any exporter reads it as an SDK span)', async () => {
    const { exporter, lean } = started();
    const span = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, attrs(), ROOT_CONTEXT);
    span.addEvent('adtrace.duplicate');
    span.end(performance.now());
    const spans = await finished(exporter);
    expect(Buffer.from(serializeTraceExportRequest(spans))).toEqual(
      Buffer.from(stockTraceSerializer().serializeRequest(spans as ReadableSpan[])!),
    );
  });

  it('follows the sampler: a root at ratio 0 is not recorded but still propagates; a sampled upstream is', async () => {
    const { exporter, lean } = started('0');
    const root = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, attrs(), ROOT_CONTEXT);
    expect(root.isRecording()).toBe(false);
    const headers: Record<string, string> = {};
    lean.inject(trace.setSpan(ROOT_CONTEXT, root), headers, setter);
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    root.end();
    const child = lean.startSpan(
      '@adtrace/stream',
      'process t',
      SpanKind.CONSUMER,
      attrs(),
      lean.extract({ traceparent: UPSTREAM }, getter),
    );
    expect(child.isRecording()).toBe(true);
    child.end();
    const notSampled = lean.extract({ traceparent: UPSTREAM.replace(/-01$/, '-00') }, getter);
    lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, attrs(), notSampled).end();
    const spans = await finished(exporter);
    expect(spans.map((s) => s.spanContext().traceId)).toEqual(['4bf92f3577b34da6a3ce929d0e0e4736']);
    expect(spans[0]!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  it('makes nothing for a not-sampled parent’s child: the sampler is not asked, the child is the parent’s own span, its outputs carry the upstream’s ids, flags and state', async () => {
    const { exporter, lean } = started('1'); // a root would be sampled: the parent's flags decide
    const asked = vi.spyOn(lean.options.sampler, 'shouldSample');
    const upstream = { traceparent: UPSTREAM.replace(/-01$/, '-00'), tracestate: 'rojo=00f067aa0ba902b7' };
    const parent = lean.extract(upstream, getter);
    const processSpan = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, attrs(), parent);
    expect(processSpan).toBe(trace.getSpan(parent));
    expect(processSpan.isRecording()).toBe(false);
    const handlerSpan = lean.startSpan('svc', 'ads.serve', SpanKind.INTERNAL, {}, trace.setSpan(parent, processSpan));
    expect(handlerSpan).toBe(processSpan);
    handlerSpan.end();
    processSpan.end();
    expect(asked).not.toHaveBeenCalled();
    const headers: Record<string, string> = {};
    lean.inject(trace.setSpan(ROOT_CONTEXT, handlerSpan), headers, setter);
    expect(headers).toEqual(upstream);
    sampledChildOf(lean, asked);
    expect((await finished(exporter)).map((s) => s.name)).toEqual(['ads.serve']);
  });

  it('records a sampled parent’s child without asking the sampler either, as ParentBasedSampler would: with the parent’s trace state', async () => {
    const { exporter, lean } = started('0'); // a root would not be sampled: the parent's flags decide
    const asked = vi.spyOn(lean.options.sampler, 'shouldSample');
    sampledChildOf(lean, asked);
    const [span] = await finished(exporter);
    expect(span?.spanContext().traceState?.serialize()).toBe('rojo=00f067aa0ba902b7');
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    // A root is still the sampler's (ratio 0: not recorded).
    expect(lean.startSpan('svc', 'root', SpanKind.INTERNAL, {}, ROOT_CONTEXT).isRecording()).toBe(false);
    expect(asked).toHaveBeenCalledTimes(1);
  });

  it('runs the processors: a span started in an event’s context gets its event id when it ends', async () => {
    const { exporter, lean } = started();
    const holder = { id: undefined as string | undefined };
    const eventContext = ROOT_CONTEXT.setValue(createContextKey('adtrace.event_id holder'), holder);
    const span = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, {}, eventContext);
    holder.id = 'ev-1';
    span.end();
    const [done] = await finished(exporter);
    expect(done!.attributes['adtrace.event_id']).toBe('ev-1');
  });

  it('extracts and injects what the registered W3C propagators do', () => {
    const { lean } = started();
    const cases: Record<string, string>[] = [
      { traceparent: UPSTREAM },
      { traceparent: UPSTREAM, tracestate: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' },
      { traceparent: UPSTREAM, baggage: 'user=x' },
      { traceparent: ` ${UPSTREAM}` },
      { traceparent: `${UPSTREAM}-extra` },
      { traceparent: UPSTREAM.replace(/^00/, 'ff') },
      { traceparent: UPSTREAM.replace(/^00/, '01').concat('-future') },
      { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
      { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01' },
      { traceparent: UPSTREAM.toUpperCase() },
      { traceparent: 'garbage' },
      {},
    ];
    for (const carrier of cases) {
      const stock = propagation.extract(ROOT_CONTEXT, carrier, getter);
      const mine = lean.extract(carrier, getter);
      expect(trace.getSpanContext(mine), JSON.stringify(carrier)).toEqual(trace.getSpanContext(stock));
      expect(propagation.getBaggage(mine)?.getAllEntries()).toEqual(propagation.getBaggage(stock)?.getAllEntries());
      const [a, b]: Record<string, string>[] = [{}, {}];
      propagation.inject(stock, a, setter);
      lean.inject(mine, b, setter);
      expect(b, JSON.stringify(carrier)).toEqual(a);
    }
  });

  it('extracts from a traceparent already read (and perhaps parsed) what it extracts from the carrier', () => {
    const { lean } = started();
    const cases: Record<string, string>[] = [
      { traceparent: UPSTREAM },
      { traceparent: UPSTREAM, tracestate: 'congo=t61rcWkgMzE' },
      { traceparent: UPSTREAM, baggage: 'user=x' },
      { traceparent: ` ${UPSTREAM}` },
      { traceparent: `${UPSTREAM}-extra` },
      { traceparent: UPSTREAM.replace(/^00/, 'ff') },
      { traceparent: UPSTREAM.toUpperCase() },
      { traceparent: 'garbage' },
      { tracestate: 'congo=t61rcWkgMzE' },
      {},
    ];
    for (const carrier of cases) {
      const expected = lean.extract(carrier, getter);
      const found = carrier.traceparent;
      const ids = found === undefined ? null : parseTraceParent(found);
      for (const mine of [lean.extractFound(carrier, getter, found), lean.extractFound(carrier, getter, found, ids)]) {
        expect(trace.getSpanContext(mine), JSON.stringify(carrier)).toEqual(trace.getSpanContext(expected));
        expect(propagation.getBaggage(mine)?.getAllEntries()).toEqual(
          propagation.getBaggage(expected)?.getAllEntries(),
        );
      }
    }
  });

  it('stands down when another SDK is the global tracer provider', async () => {
    started();
    expect(leanTracer()).toBeDefined();
    trace.disable();
    trace.setGlobalTracerProvider(new TracerProvider());
    expect(leanTracer()).toBeUndefined();
  });

  it('keeps the SDK’s rules on an ended span and on times', () => {
    const { lean } = started();
    const span: Span = lean.startSpan('@adtrace/stream', 'process t', SpanKind.CONSUMER, {}, ROOT_CONTEXT);
    const perfEnd = performance.now();
    span.end(perfEnd);
    span.setAttribute('late', 1);
    span.end();
    const readable = span as unknown as ReadableSpan;
    expect(readable.attributes.late).toBeUndefined();
    const [seconds, nanos] = msToHrTime(1_700_000_000_123.5);
    expect(seconds).toBe(1_700_000_000);
    expect(nanos).toBe(123_500_000);
    expect(msToHrTime(999.9999999)).toEqual([1, 0]);
    expect(readable.endTime[0]).toBeGreaterThan(1_600_000_000);
  });
});
