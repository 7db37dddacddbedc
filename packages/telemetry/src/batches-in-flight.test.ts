import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { BatchesInFlightProcessor } from './batches-in-flight.ts';
import { toConfig } from './config.ts';
import { startTelemetry } from './sdk.ts';

/** An exporter that answers only when told: how many exports wait at once, and what they held. */
class HeldExporter implements SpanExporter {
  readonly batches: string[][] = [];
  readonly #waiting: ((code: ExportResultCode) => void)[] = [];
  maxWaiting = 0;

  get waiting(): number {
    return this.#waiting.length;
  }

  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.batches.push(spans.map((s) => s.name));
    this.#waiting.push((code) => done({ code }));
    this.maxWaiting = Math.max(this.maxWaiting, this.#waiting.length);
  }

  answerAll(code = ExportResultCode.SUCCESS): void {
    for (const answer of this.#waiting.splice(0)) answer(code);
  }

  async shutdown(): Promise<void> {}
}

const settle = () => new Promise((r) => setTimeout(r, 30));

function endSpans(provider: TracerProvider, n: number): void {
  const tracer = provider.getTracer('t');
  for (let i = 0; i < n; i++) tracer.startSpan(`s${i}`).end();
}

describe('BatchesInFlightProcessor', () => {
  it.each([1, 2, 3])('keeps %i exports waiting for their answers at once, no more', async (exportsInFlight) => {
    const exporter = new HeldExporter();
    const processor = new BatchesInFlightProcessor({
      exporter,
      exportsInFlight,
      maxExportBatchSize: 10,
      maxQueueSize: 1000,
      scheduledDelayMillis: 5,
    });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    endSpans(provider, 100);
    await settle();
    expect(exporter.waiting).toBe(exportsInFlight);
    while (exporter.waiting > 0) {
      exporter.answerAll();
      await settle();
    }
    expect(exporter.maxWaiting).toBe(exportsInFlight);
    // Every span exported once, in batches of at most 10.
    const names = exporter.batches.flat();
    expect(names).toHaveLength(100);
    expect(new Set(names).size).toBe(100);
    expect(Math.max(...exporter.batches.map((b) => b.length))).toBe(10);
    await provider.shutdown();
  });

  it('at a low rate sends what ended in one export per tick, not a part of it per processor', async () => {
    const exporter = new HeldExporter();
    const processor = new BatchesInFlightProcessor({
      exporter,
      exportsInFlight: 2,
      maxExportBatchSize: 10,
      maxQueueSize: 1000,
      scheduledDelayMillis: 5,
    });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    endSpans(provider, 4);
    await settle();
    expect(exporter.batches).toEqual([['s0', 's1', 's2', 's3']]);
    exporter.answerAll();
    // A batch's worth to one processor (the 6 that fill its 10), then the next 10 to the other.
    endSpans(provider, 16);
    await settle();
    expect(
      exporter.batches
        .slice(1)
        .map((b) => b.length)
        .sort((a, b) => a - b),
    ).toEqual([6, 10]);
    exporter.answerAll();
    await settle();
    await provider.shutdown();
  });

  it('drops what its queues cannot hold, and says how many: a share of maxQueueSize each', async () => {
    const exporter = new HeldExporter();
    const dropped: number[] = [];
    const processor = new BatchesInFlightProcessor({
      exporter,
      exportsInFlight: 2,
      maxExportBatchSize: 10,
      maxQueueSize: 40,
      scheduledDelayMillis: 5,
      selfObsMeterProvider: droppedCounter(dropped),
    });
    const provider = new TracerProvider({ spanProcessors: [processor] });
    // Each processor: 10 in its export (held), then a queue of 20.
    endSpans(provider, 20);
    await settle();
    endSpans(provider, 100);
    expect(dropped.reduce((a, b) => a + b, 0)).toBe(120 - 20 - 40);
    exporter.answerAll();
    await settle();
    exporter.answerAll();
    await settle();
    exporter.answerAll();
    await provider.shutdown();
  });

  it('is what a service starts: two exports in flight unless ADTRACE_EXPORTS_IN_FLIGHT says otherwise', async () => {
    for (const [setting, expected] of [
      [undefined, 2],
      ['1', 1],
      ['4', 4],
    ] as const) {
      const exporter = new HeldExporter();
      const config = toConfig({
        OTEL_SERVICE_NAME: 'test',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
        OTEL_BSP_SCHEDULE_DELAY: '5',
        ADTRACE_EXPORTS_IN_FLIGHT: setting,
      });
      const handle = startTelemetry(config, { spanExporter: exporter });
      try {
        for (let i = 0; i < 100; i++) trace.getTracer('t').startSpan(`s${i}`).end();
        await settle();
        expect(exporter.waiting).toBe(expected);
      } finally {
        const stopped = handle.shutdown();
        while (exporter.waiting > 0 || exporter.batches.flat().length < 100) {
          exporter.answerAll();
          await settle();
        }
        await stopped;
        trace.disable();
        context.disable();
        propagation.disable();
        metrics.disable();
      }
    }
  });

  it('refuses a count of exports that is not a positive integer', () => {
    for (const bad of [0, 1.5, -1]) {
      expect(() => new BatchesInFlightProcessor({ exporter: new HeldExporter(), exportsInFlight: bad })).toThrow(
        /exportsInFlight/,
      );
    }
  });
});

/** The SDK's self-metric of processed spans, recording the queue-full drops. */
function droppedCounter(into: number[]) {
  const counter = {
    add(value: number, attributes?: Record<string, unknown>) {
      if (attributes?.['error.type'] === 'queue_full') into.push(value);
    },
  };
  const meter = new Proxy({} as Record<string, unknown>, {
    get: (_t, prop) =>
      prop === 'createCounter'
        ? () => counter
        : () => ({ add() {}, record() {}, addCallback() {}, removeCallback() {} }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the SDK types the provider; this one only counts
  return { getMeter: () => meter } as any;
}
