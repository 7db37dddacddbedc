import { describe, expect, it } from 'vitest';
import { usd } from './format.ts';
import { renderWaterfall, type TraceSpanJson, treeOrder } from './waterfall.ts';

const span = (
  spanId: string,
  parentSpanId: string | null,
  startMs: number,
  over: Partial<TraceSpanJson> = {},
): TraceSpanJson => ({
  traceId: 't'.repeat(32),
  spanId,
  parentSpanId,
  service: 'auction',
  name: `span ${spanId}`,
  kind: 'internal',
  startMs,
  durationMs: 1,
  costUsd: 1e-6,
  attributes: {},
  ...over,
});

describe('treeOrder', () => {
  it('is depth first with children by start; a span whose parent is missing is a root', () => {
    const spans = [span('c', 'a', 5), span('b', 'a', 2), span('a', null, 0), span('d', 'b', 3), span('x', 'gone', 1)];
    expect(treeOrder(spans).map(({ span: s, depth }) => `${s.spanId}${depth}`)).toEqual(['a0', 'b1', 'd2', 'c1', 'x0']);
  });
});

describe('renderWaterfall', () => {
  it('shows every span indented under its parent, with the total self cost', () => {
    const out = renderWaterfall({
      traceId: 'f'.repeat(32),
      eventId: 'evt-1',
      spans: [span('a', null, 0, { durationMs: 10 }), span('b', 'a', 4, { statusCode: 'error', service: 'delivery' })],
    });
    expect(out).toContain(`trace ${'f'.repeat(32)}  event evt-1  2 spans  10.0ms  $2.00e-6 total`);
    expect(out).toMatch(/delivery\s+└ span b ✗/);
  });

  it("names the upstream's request id when the trace carries one", () => {
    const out = renderWaterfall({
      traceId: 'f'.repeat(32),
      eventId: 'evt-1',
      requestId: 'req-9',
      foundBy: 'requestId',
      spans: [span('a', null, 0, { durationMs: 10 })],
    });
    expect(out).toContain(`trace ${'f'.repeat(32)}  event evt-1  request req-9  1 spans`);
  });
});

describe('usd', () => {
  it('keeps three significant digits at every scale', () => {
    expect(usd(0)).toBe('$0');
    expect(usd(1.234e-9)).toBe('$1.23e-9');
    expect(usd(0.01234)).toBe('$0.0123');
    expect(usd(12.5)).toBe('$12.5');
  });
});
