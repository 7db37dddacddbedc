import { randomBytes } from 'node:crypto';
import { context, INVALID_SPAN_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FanInAttr, startFanInSpan } from './fan-in.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('fan-in-test');

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  await provider.shutdown();
  context.disable();
});

const eventContext = (): SpanContext => ({
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
  traceFlags: TraceFlags.SAMPLED,
});

function finished(name: string): ReadableSpan {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(spans).toHaveLength(1);
  return spans[0]!;
}

describe('a fan-in span', () => {
  test('is a root of its own trace even inside an event’s span, linked to every event it serves', () => {
    const events = Array.from({ length: 5 }, eventContext);
    tracer.startActiveSpan('process clicks', (processSpan) => {
      startFanInSpan(tracer, 'window flush', events, { attributes: { 'adtrace.window.start': 0 } }).end();
      processSpan.end();
      const flush = finished('window flush');
      expect(flush.parentSpanContext).toBeUndefined();
      expect(flush.spanContext().traceId).not.toBe(processSpan.spanContext().traceId);
      expect(events.map((e) => e.traceId)).not.toContain(flush.spanContext().traceId);
      expect(flush.links.map((l) => l.context)).toEqual(events);
      expect(flush.attributes).toMatchObject({
        'adtrace.window.start': 0,
        [FanInAttr.linksTotal]: 5,
        [FanInAttr.linksDropped]: 0,
      });
    });
  });

  test('links the first 128 distinct valid contexts and counts the rest; invalid and repeated ones are skipped', () => {
    const events = Array.from({ length: 300 }, eventContext);
    const invalid = [INVALID_SPAN_CONTEXT, { ...eventContext(), traceId: 'not-hex' }];
    const input = [invalid[0]!, ...events.slice(0, 10), events[3]!, invalid[1]!, ...events.slice(10)];
    startFanInSpan(tracer, 'segment publish', input).end();
    const span = finished('segment publish');
    expect(span.links).toHaveLength(128);
    expect(span.links.map((l) => l.context.spanId)).toEqual(events.slice(0, 128).map((e) => e.spanId));
    expect(span.attributes[FanInAttr.linksTotal]).toBe(300);
    expect(span.attributes[FanInAttr.linksDropped]).toBe(172);
  });

  test('takes another bound, and serves no events without failing', () => {
    startFanInSpan(tracer, 'small flush', Array.from({ length: 10 }, eventContext), { maxLinks: 3 }).end();
    expect(finished('small flush').links).toHaveLength(3);
    expect(finished('small flush').attributes[FanInAttr.linksDropped]).toBe(7);
    startFanInSpan(tracer, 'empty flush', []).end();
    const empty = finished('empty flush');
    expect([empty.links.length, empty.attributes[FanInAttr.linksTotal], empty.parentSpanContext]).toEqual([
      0,
      0,
      undefined,
    ]);
    expect(() => startFanInSpan(tracer, 'bad', [], { maxLinks: -1 })).toThrow(RangeError);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
