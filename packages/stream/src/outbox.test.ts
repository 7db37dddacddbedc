import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, type OutRecord } from './outbox.ts';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  await provider.shutdown();
  propagation.disable();
});
beforeEach(() => exporter.reset());

/** The finished spans as the tests read them. */
const finished = () =>
  exporter.getFinishedSpans().map((s: ReadableSpan) => ({
    name: s.name,
    kind: s.kind,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId,
    status: s.status.code,
    attributes: s.attributes,
  }));
const tracing = { spans: finished };
const SpanKindCode = { PRODUCER: SpanKind.PRODUCER };
const StatusCode = { ERROR: SpanStatusCode.ERROR, UNSET: SpanStatusCode.UNSET };

const tracer = () => provider.getTracer('outbox-test');
const record = (topic: string, value: string, over: Partial<OutRecord> = {}): OutRecord => ({
  kind: 'output',
  topic,
  // A stale traceparent, as a dead letter copies from its input: it must be overwritten.
  message: {
    key: Buffer.from('k'),
    value: Buffer.from(value),
    headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` },
  },
  ...over,
});
const spanIdOf = (r: OutRecord) => String(r.message.headers.traceparent).split('-')[2];

describe('Outbox: one span per message per hop', () => {
  it("gives a message's records no span: their traceparent is the context they were emitted in, their bytes and topics its process span's", () => {
    const a = tracer().startSpan('process in');
    const b = tracer().startSpan('process in');
    const handler = tracer().startSpan('ads.serve', {}, trace.setSpan(ROOT_CONTEXT, a));
    const outbox = new Outbox();
    const [a1, a2, aDead, b1] = [
      record('out', 'x'.repeat(10), { parent: trace.setSpan(ROOT_CONTEXT, handler) }),
      record('other', 'y'.repeat(20), { parent: trace.setSpan(ROOT_CONTEXT, a) }),
      record('out', 'z', { kind: 'dead-letter', parent: trace.setSpan(ROOT_CONTEXT, a) }),
      record('out', 'w'.repeat(5), { parent: trace.setSpan(ROOT_CONTEXT, b) }),
    ];
    outbox.add(a1, a);
    outbox.add(a2, a);
    outbox.add(aDead, a);
    outbox.add(b1, b);
    const byTopic = outbox.seal(tracer());
    expect(byTopic.map((t) => [t.topic, t.messages.length])).toEqual([
      ['out', 3],
      ['other', 1],
    ]);
    expect(outbox.spanCount).toBe(0);
    expect([a1, a2, aDead, b1].map(spanIdOf)).toEqual([
      handler.spanContext().spanId,
      a.spanContext().spanId,
      a.spanContext().spanId,
      b.spanContext().spanId,
    ]);
    outbox.settle();
    for (const s of [handler, a, b]) s.end();
    const spans = new Map(tracing.spans().map((s) => [s.spanId, s]));
    const [pa, pb] = [spans.get(a.spanContext().spanId)!, spans.get(b.spanContext().spanId)!];
    // Sized after the traceparent was written: the bytes that go to Kafka.
    const size = (...rs: OutRecord[]) => rs.reduce((n, r) => n + kafkaMessageBytes(r.message), 0);
    expect(pa.attributes).toMatchObject({
      'adtrace.kafka.produced_bytes': size(a1, a2, aDead),
      'adtrace.kafka.produced_topics': 'out,other',
    });
    expect(pb.attributes).toMatchObject({
      'adtrace.kafka.produced_bytes': size(b1),
      'adtrace.kafka.produced_topics': 'out',
    });
    expect(tracing.spans().filter((s) => s.kind === SpanKindCode.PRODUCER)).toEqual([]);
  });

  it('sizes each record once: bytes given to add, plus what writing its traceparent changed, are its final size', () => {
    const a = tracer().startSpan('process in');
    const outbox = new Outbox();
    const stale = { TraceParent: [Buffer.from('00-old'), Buffer.from('00-older')], 'adtrace.event-id': 'e1' };
    const sized = record('out', 'x'.repeat(10), { parent: trace.setSpan(ROOT_CONTEXT, a) });
    Object.assign(sized.message.headers, stale);
    const unsized = record('dlq', 'y', { kind: 'dead-letter', parent: trace.setSpan(ROOT_CONTEXT, a) });
    outbox.add(sized, a, kafkaMessageBytes(sized.message));
    outbox.add(unsized, a);
    outbox.add(record('changelog', 'c', { kind: 'changelog' }));
    const byTopic = outbox.seal(tracer());
    expect(Object.keys(sized.message.headers)).toEqual(['adtrace.event-id', 'traceparent']);
    for (const { messages, sizes } of byTopic) expect(sizes).toEqual(messages.map((m) => kafkaMessageBytes(m)));
    outbox.settle();
    a.end();
    const span = tracing.spans().find((s) => s.spanId === a.spanContext().spanId)!;
    expect(span.attributes['adtrace.kafka.produced_bytes']).toBe(
      kafkaMessageBytes(sized.message) + kafkaMessageBytes(unsized.message),
    );
  });

  it('gives a window or timer output (no message owns it) a send span, child of its context, sharing the deliver CPU', () => {
    const flush = tracer().startSpan('ads.aggregate.flush');
    const outbox = new Outbox();
    const out = record('roas', 'v', { parent: trace.setSpan(ROOT_CONTEXT, flush), eventId: undefined });
    outbox.add(out);
    outbox.add(record('changelog', 'c', { kind: 'changelog' })); // no parent: no span, no traceparent change
    outbox.seal(tracer());
    expect(outbox.spanCount).toBe(1);
    outbox.settle(undefined, 42);
    flush.end();
    const send = tracing.spans().find((s) => s.name === 'send roas')!;
    expect([send.kind, send.parentSpanId, send.attributes['adtrace.cost.cpu_us']]).toEqual([
      SpanKindCode.PRODUCER,
      flush.spanContext().spanId,
      42,
    ]);
    expect(spanIdOf(out)).toBe(send.spanId);
    expect(send.attributes['adtrace.kafka.bytes']).toBe(kafkaMessageBytes(out.message));
  });

  it('marks the process spans whose records were lost with the error, and only those', () => {
    const [wrote, quiet] = [tracer().startSpan('process in'), tracer().startSpan('process in')];
    const outbox = new Outbox();
    outbox.add(record('out', 'x', { parent: trace.setSpan(ROOT_CONTEXT, wrote) }), wrote);
    outbox.seal(tracer());
    outbox.settle(new Error('not written: partition revoked'));
    wrote.end();
    quiet.end();
    const status = (id: string) => tracing.spans().find((s) => s.spanId === id)!.status;
    expect(status(wrote.spanContext().spanId)).toBe(StatusCode.ERROR);
    expect(status(quiet.spanContext().spanId)).toBe(StatusCode.UNSET);
  });
});
