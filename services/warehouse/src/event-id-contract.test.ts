import { eventIdOf } from '@adtrace/stream';
import { EventIdSpanProcessor } from '@adtrace/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@adtrace/telemetry/testing';
import { createContextKey, ROOT_CONTEXT } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

// Telemetry reads the stream runtime's event-id context key by name (it may not import the
// runtime). This service depends on both, so it is where the two are checked to agree: one
// context, read by the runtime's `eventIdOf` and by the telemetry processor through a real SDK.
describe('the event-id context key', () => {
  it('is the one the stream runtime reads and the telemetry processor tags spans from', () => {
    const ctx = ROOT_CONTEXT.setValue(createContextKey('adtrace.event_id holder'), { id: 'evt-contract' });
    expect(eventIdOf(ctx)).toBe('evt-contract');

    const exporter = new InMemorySpanExporter();
    const tracer = new TracerProvider({
      spanProcessors: [new EventIdSpanProcessor(), new SimpleSpanProcessor({ exporter })],
    }).getTracer('contract');
    tracer.startSpan('ads.auction', {}, ctx).end();
    tracer.startSpan('outside any event', {}, ROOT_CONTEXT).end();
    const ids = exporter.getFinishedSpans().map((s) => [s.name, s.attributes['adtrace.event_id']]);
    expect(ids).toEqual([
      ['ads.auction', 'evt-contract'],
      ['outside any event', undefined],
    ]);
  });
});
