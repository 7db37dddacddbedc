import {
  context,
  metrics,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { toConfig } from './config.ts';
import { telemetryHandle } from './handle.ts';
import { LeanSpan } from './lean-span.ts';
import { startTelemetry } from './sdk.ts';
import { ended, serviceTracer } from './service-tracer.ts';

// A service's own spans (ads.*), made on the lean path when the preloaded SDK is there: what the
// SDK's tracer makes from the same calls, through the same processors and exporter.
function started(): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  startTelemetry(
    toConfig({
      OTEL_SERVICE_NAME: 'test',
      ADTRACE_SERVICE_VERSION: '1',
      ADTRACE_INSTANCE_ID: 'test-instance-service-tracer',
      ADTRACE_TRACE_SAMPLE_RATIO: '1',
      OTEL_BSP_SCHEDULE_DELAY: '10',
    }),
    { spanExporter: exporter },
  );
  return exporter;
}

async function finished(exporter: InMemorySpanExporter): Promise<ReadableSpan[]> {
  await telemetryHandle()?.flush();
  return exporter.getFinishedSpans();
}

const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;
// The CPU attribute is the cost processor's measurement, different for any two spans.
const withoutCpu = (a: ReadableSpan['attributes']) =>
  Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'adtrace.cost.cpu_us'));
const view = (s: ReadableSpan) => ({
  name: s.name,
  kind: s.kind,
  traceId: s.spanContext().traceId,
  parent: s.parentSpanContext?.spanId,
  attributes: withoutCpu(s.attributes),
  events: s.events.map((e) => e.name),
  scope: s.instrumentationScope.name,
  status: s.status,
});

afterEach(async () => {
  await telemetryHandle()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
});

describe("a service's tracer", () => {
  it('makes lean spans equal to the SDK’s: active span, parent, scope, attributes (invalid ones dropped), times given', async () => {
    const exporter = started();
    const sdk = trace.getTracer('adtrace.test');
    const lean = serviceTracer('adtrace.test');
    const start = Date.now() - 50;
    const made = (tracer: typeof sdk) =>
      tracer.startActiveSpan('ads.serve', { attributes: { 'ad.count': 2 } }, (outer: Span) => {
        // A child made inside: the active span is its parent; a start time given; a bad value.
        const child = tracer.startSpan('ads.score_ad', {
          kind: SpanKind.INTERNAL,
          startTime: start,
          attributes: {
            'ad.id': 'a1',
            'ad.bid': 1.5,
            nothing: undefined,
            nested: { ok: 1 } as never,
            bad: 10n as never,
          },
        });
        child.addEvent('scored');
        child.end(start + 20);
        outer.end();
        return outer.spanContext().spanId;
      });
    const sdkOuter = made(sdk);
    const leanOuter = made(lean);
    const spans = await finished(exporter);
    expect(spans).toHaveLength(4);
    // Found by kind and name: the spans of two exports in flight arrive in either's order.
    const find = (lean: boolean, name: string) =>
      spans.find((s) => s instanceof LeanSpan === lean && s.name === name) as ReadableSpan;
    const [sdkChild, sdkSpan, leanChild, leanSpan] = [
      find(false, 'ads.score_ad'),
      find(false, 'ads.serve'),
      find(true, 'ads.score_ad'),
      find(true, 'ads.serve'),
    ];
    expect(new Set([sdkChild, sdkSpan, leanChild, leanSpan]).size).toBe(4);
    expect(leanSpan.spanContext().spanId).toBe(leanOuter);
    expect(sdkSpan.spanContext().spanId).toBe(sdkOuter);
    const same = (s: ReadableSpan, outer: ReadableSpan) => ({
      ...view(s),
      traceId: s.spanContext().traceId === outer.spanContext().traceId,
      parent: s.parentSpanContext?.spanId === outer.spanContext().spanId,
    });
    expect(same(leanChild, leanSpan)).toEqual(same(sdkChild, sdkSpan));
    expect(withoutCpu(leanChild.attributes)).toEqual({ 'ad.id': 'a1', 'ad.bid': 1.5, nested: { ok: 1 } });
    expect({ ...view(leanSpan), traceId: '', parent: '' }).toEqual({ ...view(sdkSpan), traceId: '', parent: '' });
    // The times given are kept as given.
    expect(ms(leanChild.startTime)).toBeCloseTo(start, 3);
    expect(ms(leanChild.endTime)).toBeCloseTo(start + 20, 3);
    expect(ms(leanChild.duration)).toBeCloseTo(ms(sdkChild.duration), 3);
  });

  it('a start time given and no end time: the span ends now, as the SDK’s', async () => {
    const exporter = started();
    const start = Date.now() - 1_000;
    for (const tracer of [trace.getTracer('adtrace.test'), serviceTracer('adtrace.test')]) {
      tracer.startSpan('ads.auction', { startTime: start }, ROOT_CONTEXT).end();
    }
    const [sdk, lean] = await finished(exporter);
    expect(lean).toBeInstanceOf(LeanSpan);
    for (const s of [sdk!, lean!]) {
      expect(ms(s.startTime)).toBeCloseTo(start, 3);
      expect(Math.abs(ms(s.endTime) - Date.now())).toBeLessThan(1_000);
      expect(ms(s.duration)).toBeGreaterThanOrEqual(1_000);
    }
  });

  it('under a not-sampled parent, runs the function with that parent’s span in the context it is in: no span, no context made', async () => {
    const exporter = started();
    const tracer = serviceTracer('adtrace.test');
    const notSampled = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00',
    });
    const parentSpan = trace.getSpan(notSampled);
    const seen = context.with(notSampled, () =>
      tracer.startActiveSpan('ads.serve', (span) => {
        span.setAttribute('ads.placement', 'p1');
        span.end();
        return { span, active: context.active() };
      }),
    );
    expect(seen.span).toBe(parentSpan);
    expect(seen.active).toBe(notSampled);
    // With a sampled parent it is a span of its own, in a context of its own.
    const sampled = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const own = context.with(sampled, () =>
      tracer.startActiveSpan('ads.serve', (span) => {
        span.end();
        return trace.getSpan(context.active());
      }),
    );
    expect(own).not.toBe(trace.getSpan(sampled));
    expect((await finished(exporter)).map((s) => s.name)).toEqual(['ads.serve']);
  });

  it('links and new roots go through the SDK; without the preloaded SDK it is the API’s tracer', async () => {
    const exporter = started();
    const tracer = serviceTracer('adtrace.test');
    const linked = tracer.startSpan('ads.attribute', {
      links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 } }],
    });
    const root = tracer.startSpan('warehouse.load spans', { root: true });
    linked.end();
    root.end();
    const spans = await finished(exporter);
    expect(spans.map((s) => [s.name, s instanceof LeanSpan, s.links.length])).toEqual([
      ['ads.attribute', false, 1],
      ['warehouse.load spans', false, 0],
    ]);
    await telemetryHandle()?.shutdown();
    trace.disable();
    const off = serviceTracer('adtrace.test').startSpan('ads.serve');
    expect(off.isRecording()).toBe(false);
    expect(off).not.toBeInstanceOf(LeanSpan);
  });
});

describe('ended', () => {
  it('ends the span after the step, returning its value; a throw marks it ERROR with the message and goes on', async () => {
    const exporter = started();
    const tracer = serviceTracer('adtrace.test');
    expect(ended(tracer.startSpan('ads.profile'), () => 7)).toBe(7);
    const failing = tracer.startSpan('ads.serve');
    expect(() =>
      ended(failing, () => {
        throw new Error('bad imp');
      }),
    ).toThrow('bad imp');
    expect(failing.isRecording()).toBe(false);
    const spans = await finished(exporter);
    expect(spans.map((s) => [s.name, s.status])).toEqual([
      ['ads.profile', { code: SpanStatusCode.UNSET }],
      ['ads.serve', { code: SpanStatusCode.ERROR, message: 'bad imp' }],
    ]);
  });
});
