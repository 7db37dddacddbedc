import { type Context, context, type HrTime, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { CostAttributes, SpanAttributes } from './attributes.ts';
import { CostSpanProcessor } from './cost-processor.ts';
import { type CpuMeter, withCpuMeter } from './cpu-meter.ts';

// A CPU clock the test sets, counting its reads: metered and runtime-measured spans must never read it.
let clock = 0;
let reads = 0;
const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({
  spanProcessors: [
    new CostSpanProcessor(() => {
      reads++;
      return clock;
    }),
    new SimpleSpanProcessor({ exporter }),
  ],
});
const tracer = provider.getTracer('test');
afterEach(() => {
  exporter.reset();
  reads = 0;
});

const byName = (name: string): ReadableSpan => exporter.getFinishedSpans().find((s) => s.name === name)!;
const num = (s: ReadableSpan, a: string) => s.attributes[a] as number;
const cpu = (name: string) => num(byName(name), CostAttributes.cpuMicros);
/** Wall time `us` microseconds after an arbitrary origin, as an explicit span timestamp. */
const at = (us: number): HrTime => [1_000 + Math.floor(us / 1e6), (us % 1e6) * 1000];
const span = (name: string, startUs: number, ctx: Context) => tracer.startSpan(name, { startTime: at(startUs) }, ctx);
const under = (ctx: Context, parent: ReturnType<typeof span>) => trace.setSpan(ctx, parent);

describe('CostSpanProcessor, spans the stream runtime measures', () => {
  it('keeps the CPU the runtime wrote before end, adds no price, and never reads the clock', () => {
    const send = tracer.startSpan('send t', {
      kind: SpanKind.PRODUCER,
      attributes: { [CostAttributes.cpuMicros]: 0, [SpanAttributes.kafkaBytes]: 1024 ** 3 },
    });
    clock += 99_999; // CPU the process spent meanwhile: not this span's business
    send.setAttribute(CostAttributes.cpuMicros, 3.6e9); // the runtime's measured share: one vCPU-hour
    send.end();
    const s = byName('send t');
    expect(reads).toBe(0);
    expect(num(s, CostAttributes.cpuMicros)).toBe(3.6e9);
    // Priced by the warehouse as it loads the span (services/warehouse decode-span.ts), not here.
    for (const a of [CostAttributes.computeUsd, CostAttributes.kafkaUsd, CostAttributes.totalUsd])
      expect(s.attributes[a]).toBeUndefined();
  });
});

describe('CostSpanProcessor, spans under a CPU meter', () => {
  const processSpan = tracer.startSpan('process in', { attributes: { [CostAttributes.cpuMicros]: 0 } });

  it('charges self wall time × the rate, adds it to the meter, reads no clock', () => {
    const meter: CpuMeter = { rate: 0.25, chargedUs: 0 };
    const ctx = withCpuMeter(trace.setSpan(ROOT_CONTEXT, processSpan), meter);
    const s = span('ads.auction', 0, ctx);
    clock += 50_000;
    s.end(at(4_000)); // 4 ms of wall time at 0.25 CPU µs per µs
    expect(cpu('ads.auction')).toBe(1_000);
    expect(meter.chargedUs).toBe(1_000);
    expect(reads).toBe(0);
  });

  it('nested spans pay their self time: children plus parent never exceed the parent wall × rate', () => {
    const meter: CpuMeter = { rate: 0.5, chargedUs: 0 };
    const ctx = withCpuMeter(trace.setSpan(ROOT_CONTEXT, processSpan), meter);
    const parent = span('ads.auction', 0, ctx);
    const first = span('ads.candidates', 1_000, under(ctx, parent));
    const inner = span('ads.policy_filter', 2_000, under(under(ctx, parent), first));
    inner.end(at(3_000));
    first.end(at(4_000));
    const second = span('ads.rank', 5_000, under(ctx, parent));
    second.end(at(7_000));
    parent.end(at(10_000));
    expect(cpu('ads.policy_filter')).toBe(500); // 1 ms
    expect(cpu('ads.candidates')).toBe(1_000); // 3 ms − its child's 1 ms
    expect(cpu('ads.rank')).toBe(1_000); // 2 ms
    expect(cpu('ads.auction')).toBe(2_500); // 10 ms − 3 ms − 2 ms
    const total = ['ads.policy_filter', 'ads.candidates', 'ads.rank', 'ads.auction'].reduce((n, s) => n + cpu(s), 0);
    expect(total).toBeLessThanOrEqual(10_000 * 0.5);
    expect(meter.chargedUs).toBe(total);
    expect(reads).toBe(0);
  });

  it('interleaved handlers under two meters are charged only their own phase rate', async () => {
    // Two partitions' async handlers, open at the same time: A burns 0.8 CPU µs per µs, B 0.1.
    const [a, b]: CpuMeter[] = [
      { rate: 0.8, chargedUs: 0 },
      { rate: 0.1, chargedUs: 0 },
    ];
    const ctxA = withCpuMeter(trace.setSpan(ROOT_CONTEXT, processSpan), a!);
    const ctxB = withCpuMeter(trace.setSpan(ROOT_CONTEXT, processSpan), b!);
    const spanA = span('handler a', 0, ctxA);
    const spanB = span('handler b', 1_000, ctxB);
    await Promise.resolve();
    clock += 30_000; // the process's CPU while both were open: a clock-window method would charge it to both
    spanA.end(at(5_000));
    const childB = span('handler b child', 5_500, under(ctxB, spanB));
    childB.end(at(6_000));
    spanB.end(at(6_000));
    expect(cpu('handler a')).toBeCloseTo(5_000 * 0.8, 9);
    expect(cpu('handler b')).toBeCloseTo(4_500 * 0.1, 9);
    expect(cpu('handler b child')).toBeCloseTo(500 * 0.1, 9);
    expect(a!.chargedUs).toBeCloseTo(4_000, 9);
    expect(b!.chargedUs).toBeCloseTo(500, 9);
    expect(reads).toBe(0);
  });

  it('async handlers interleaved through real awaits each find their own meter in the active context', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const busy: CpuMeter = { rate: 1, chargedUs: 0 };
      const idle: CpuMeter = { rate: 0, chargedUs: 0 };
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const handler = (name: string, meter: CpuMeter, burn: boolean) =>
        context.with(withCpuMeter(trace.setSpan(ROOT_CONTEXT, processSpan), meter), () =>
          tracer.startActiveSpan(name, async (outer) => {
            for (let step = 0; step < 3; step++) {
              await sleep(1);
              await tracer.startActiveSpan(`${name} step`, async (inner) => {
                let x = 0;
                if (burn) for (const until = performance.now() + 1; performance.now() < until; ) x += Math.sqrt(x + 1);
                await sleep(1);
                inner.end();
                return x;
              });
            }
            outer.end();
          }),
        );
      await Promise.all([handler('partition 0', busy, true), handler('partition 1', idle, false)]);
      const spans = exporter.getFinishedSpans();
      const ofHandler = (name: string) => spans.filter((s) => s.name.startsWith(name));
      expect(ofHandler('partition 0')).toHaveLength(4);
      // The idle handler's spans were open while the busy one burned CPU: they are charged nothing.
      for (const s of ofHandler('partition 1')) expect(num(s, CostAttributes.cpuMicros)).toBe(0);
      expect(idle.chargedUs).toBe(0);
      // The busy handler's: self wall time × 1, from each span's own recorded duration.
      const us = (s: ReadableSpan) => s.duration[0] * 1e6 + s.duration[1] / 1e3;
      const steps = ofHandler('partition 0 step');
      for (const s of steps) expect(num(s, CostAttributes.cpuMicros)).toBeCloseTo(us(s), 6);
      const outer = ofHandler('partition 0').find((s) => s.name === 'partition 0')!;
      const stepsUs = steps.reduce((n, s) => n + us(s), 0);
      expect(num(outer, CostAttributes.cpuMicros)).toBeCloseTo(us(outer) - stepsUs, 6);
      expect(busy.chargedUs).toBeCloseTo(us(outer), 6);
      expect(reads).toBe(0);
    } finally {
      context.disable();
    }
  });

  it('ignores a context value that is not a meter: such spans fall back to the clock window', () => {
    const ctx = ROOT_CONTEXT.setValue(Symbol.for('adtrace.cpu meter'), { rate: 'fast' });
    clock = 10;
    const s = tracer.startSpan('tool', {}, ctx);
    clock = 17;
    s.end();
    expect(cpu('tool')).toBe(7);
    expect(reads).toBe(2);
  });
});

describe('CostSpanProcessor, other spans (clock window)', () => {
  it('charges self CPU: a parent pays its window minus its children', () => {
    clock = 1000;
    const root = tracer.startSpan('cli.load', { kind: SpanKind.CLIENT });
    const rootCtx = trace.setSpan(ROOT_CONTEXT, root);
    clock += 10;
    const child = tracer.startSpan('warehouse.query', {}, rootCtx);
    const grandchild = tracer.startSpan('warehouse.scan', {}, trace.setSpan(ROOT_CONTEXT, child));
    clock += 5;
    grandchild.end();
    clock += 25;
    child.end();
    clock += 60;
    root.end();
    expect(cpu('warehouse.scan')).toBe(5);
    expect(cpu('warehouse.query')).toBe(25);
    expect(cpu('cli.load')).toBe(70);
  });

  it('measures real CPU with the default clock', () => {
    const real = new TracerProvider({
      spanProcessors: [new CostSpanProcessor(), new SimpleSpanProcessor({ exporter })],
    });
    const s = real.getTracer('t').startSpan('busy');
    // Busy until this process has used 20 ms of CPU (not 20 ms of wall time: on a loaded machine
    // a wall-time loop gets a fraction of a core, and the measure rightly reads less).
    const start = process.cpuUsage();
    let x = 0;
    for (let used = 0; used < 20_000; ) {
      for (let i = 0; i < 10_000; i++) x += Math.sqrt(x + 1);
      const u = process.cpuUsage(start);
      used = u.user + u.system;
    }
    s.end();
    expect(x).toBeGreaterThan(0);
    expect(cpu('busy')).toBeGreaterThanOrEqual(20_000);
  });
});
