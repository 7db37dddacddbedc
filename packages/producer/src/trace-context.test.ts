import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { newTraceparent, parseTraceparent, traceFor } from './trace-context.ts';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('continues the traceparent the caller names', () => {
    expect(traceFor(CALLER)).toEqual({
      traceparent: CALLER,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      continued: true,
    });
  });

  it('refuses a malformed or all-zero traceparent rather than starting a trace silently', () => {
    expect(() => traceFor('00-xyz-00f067aa0ba902b7-01')).toThrow(/not a W3C traceparent/);
    expect(() => traceFor(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`)).toThrow(/not a W3C traceparent/);
    expect(parseTraceparent(`00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`)).toBeUndefined();
  });

  it('continues the active OpenTelemetry span when the caller names none', () => {
    const spanContext = {
      traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      spanId: 'bbbbbbbbbbbbbbbb',
      traceFlags: TraceFlags.SAMPLED,
    };
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    expect(traceFor(undefined, 1, active)).toEqual({
      traceId: spanContext.traceId,
      traceparent: `00-${spanContext.traceId}-${spanContext.spanId}-01`,
      continued: true,
    });
    // An explicit traceparent wins over the active span.
    expect(traceFor(CALLER, 1, active).traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('starts a new, valid, distinct trace per request', () => {
    const a = traceFor(undefined);
    const b = traceFor(undefined);
    expect(a.continued).toBe(false);
    expect(parseTraceparent(a.traceparent)).toMatchObject({ traceId: a.traceId, sampled: true });
    expect(a.traceId).not.toBe(b.traceId);
  });

  it('samples new traces by trace id at the ratio asked', () => {
    let n = 0;
    const counter = (bytes: number) => {
      n++;
      return Buffer.from(Array.from({ length: bytes }, (_, i) => (n * 7919 + i * 104729) % 256));
    };
    expect(parseTraceparent(newTraceparent(0, counter).traceparent)?.sampled).toBe(false);
    expect(parseTraceparent(newTraceparent(1, counter).traceparent)?.sampled).toBe(true);
    const sampled = Array.from({ length: 2000 }, () => newTraceparent(0.1).traceparent.endsWith('-01')).filter(
      Boolean,
    ).length;
    expect(sampled).toBeGreaterThan(100);
    expect(sampled).toBeLessThan(320);
  });
});
