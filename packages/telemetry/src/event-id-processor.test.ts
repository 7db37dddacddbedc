import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { EventIdSpanProcessor } from './event-id-processor.ts';

// The runtime's context key, written here as the runtime writes it (not imported: stream is above us).
const key = createContextKey('adtrace.event_id holder');
const exporter = new InMemorySpanExporter();
const tracer = new TracerProvider({
  spanProcessors: [new EventIdSpanProcessor(), new SimpleSpanProcessor({ exporter })],
}).getTracer('t');
const idOf = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name)?.attributes['adtrace.event_id'];

describe('EventIdSpanProcessor', () => {
  it('tags spans started in an event handler context with the event id', () => {
    tracer.startSpan('ads.auction', {}, ROOT_CONTEXT.setValue(key, { id: 'evt-7' })).end();
    expect(idOf('ads.auction')).toBe('evt-7');
  });

  it('picks up an id named after the span started (ingest), and leaves a span its own id', () => {
    const holder: { id: string | undefined } = { id: undefined };
    const span = tracer.startSpan('ads.normalize', {}, ROOT_CONTEXT.setValue(key, holder));
    holder.id = 'evt-late';
    span.end();
    tracer
      .startSpan('own', { attributes: { 'adtrace.event_id': 'evt-own' } }, ROOT_CONTEXT.setValue(key, { id: 'evt-x' }))
      .end();
    tracer.startSpan('outside any event').end();
    expect(idOf('ads.normalize')).toBe('evt-late');
    expect(idOf('own')).toBe('evt-own');
    expect(idOf('outside any event')).toBeUndefined();
  });
});
