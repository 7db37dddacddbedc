import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { CostAttributes, SpanAttributes } from './attributes.ts';
import { CostSpanProcessor } from './cost-processor.ts';
import { LIST_PRICES } from './prices.ts';

let clock = 0;
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanProcessors: [new CostSpanProcessor(LIST_PRICES, () => clock), new SimpleSpanProcessor({ exporter })],
});
const tracer = provider.getTracer('test');
afterEach(() => exporter.reset());

const byName = (name: string): ReadableSpan => exporter.getFinishedSpans().find((s) => s.name === name)!;
const num = (s: ReadableSpan, a: string) => s.attributes[a] as number;

describe('CostSpanProcessor', () => {
  it('charges self CPU: a parent pays its window minus its children, so the sum is the root window', () => {
    clock = 1000;
    const root = tracer.startSpan('process adtrace.bid-requests', { kind: SpanKind.CONSUMER });
    const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
    clock += 10;
    const child = tracer.startSpan('ads.auction', {}, rootCtx);
    const grandchild = tracer.startSpan('ads.policy_filter', {}, trace.setSpan(ROOT_CONTEXT, child));
    clock += 5;
    grandchild.end();
    clock += 25;
    child.end();
    clock += 60;
    root.end();

    expect(num(byName('ads.policy_filter'), CostAttributes.cpuMicros)).toBe(5);
    expect(num(byName('ads.auction'), CostAttributes.cpuMicros)).toBe(25);
    expect(num(byName('process adtrace.bid-requests'), CostAttributes.cpuMicros)).toBe(70);
    const total = exporter.getFinishedSpans().reduce((sum, s) => sum + num(s, CostAttributes.cpuMicros), 0);
    expect(total).toBe(100);
    expect(num(byName('ads.auction'), CostAttributes.computeUsd)).toBeCloseTo(
      (25 / 3.6e9) * LIST_PRICES.vcpuHourUsd,
      18,
    );
  });

  it('prices produced bytes as data in, consumed bytes as data out, scanned bytes as queries', () => {
    clock = 0;
    tracer
      .startSpan('send t', { kind: SpanKind.PRODUCER, attributes: { [SpanAttributes.kafkaBytes]: 1024 ** 3 } })
      .end();
    tracer
      .startSpan('process t', { kind: SpanKind.CONSUMER, attributes: { [SpanAttributes.kafkaBytes]: 1024 ** 3 } })
      .end();
    const q = tracer.startSpan('warehouse.query');
    q.setAttribute(SpanAttributes.queryBytesScanned, 1024 ** 4); // set late, before end: still counted
    q.end();
    expect(num(byName('send t'), CostAttributes.kafkaUsd)).toBeCloseTo(LIST_PRICES.kafkaInGibUsd, 12);
    expect(num(byName('process t'), CostAttributes.kafkaUsd)).toBeCloseTo(LIST_PRICES.kafkaOutGibUsd, 12);
    expect(num(byName('warehouse.query'), CostAttributes.queryUsd)).toBeCloseTo(LIST_PRICES.queryTibUsd, 12);
  });

  it('writes four cost attributes on every span, and they add up to adtrace.cost.usd', () => {
    clock = 0;
    const root = tracer.startSpan('send x', {
      kind: SpanKind.PRODUCER,
      attributes: { [SpanAttributes.kafkaBytes]: 777 },
    });
    clock += 123;
    const q = tracer.startSpan(
      'q',
      { attributes: { [SpanAttributes.queryBytesScanned]: 5e6 } },
      trace.setSpan(ROOT_CONTEXT, root),
    );
    clock += 40;
    q.end();
    root.end();
    for (const s of exporter.getFinishedSpans()) {
      const parts =
        num(s, CostAttributes.computeUsd) + num(s, CostAttributes.kafkaUsd) + num(s, CostAttributes.queryUsd);
      expect(num(s, CostAttributes.totalUsd)).toBe(parts);
      expect(num(s, CostAttributes.totalUsd)).toBeGreaterThan(0);
    }
  });

  it('measures real CPU with the default clock', () => {
    const real = new TracerProvider({
      spanProcessors: [new CostSpanProcessor(LIST_PRICES), new SimpleSpanProcessor({ exporter })],
    });
    const span = real.getTracer('t').startSpan('busy');
    const until = performance.now() + 20;
    let x = 0;
    while (performance.now() < until) x += Math.sqrt(x + 1);
    span.end();
    expect(x).toBeGreaterThan(0);
    expect(num(byName('busy'), CostAttributes.cpuMicros)).toBeGreaterThan(5_000);
  });
});
