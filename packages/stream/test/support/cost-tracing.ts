import { PerformanceObserver } from 'node:perf_hooks';
import { CostSpanProcessor, EventIdSpanProcessor } from '@adtrace/telemetry';
import { BatchSpanProcessor, InMemorySpanExporter, type ReadableSpan } from '@adtrace/telemetry/testing';
import { type Context, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Span, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** CPU micros of the whole process (every thread), as the runtime's phases and the bound read it. */
export function processCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * Marks the drain: the process CPU when the first `process` span starts and when the last
 * expected one ends — two clock reads in all, so the probe costs nothing the spans would have
 * to cover. Resolves `done` at the last one, so the test waits without polling Kafka (which
 * would burn CPU inside the window).
 */
class DrainProbe implements SpanProcessor {
  readonly #expected: number;
  readonly #isProcess: (name: string) => boolean;
  #ended = 0;
  firstCpu: number | undefined;
  lastCpu: number | undefined;
  readonly done: Promise<void>;
  #finish: () => void = () => {};

  constructor(expected: number, isProcess: (name: string) => boolean) {
    this.#expected = expected;
    this.#isProcess = isProcess;
    this.done = new Promise((resolve) => {
      this.#finish = resolve;
    });
  }

  onStart(span: Span, _parent: Context): void {
    if (this.firstCpu === undefined && this.#isProcess(span.name)) this.firstCpu = processCpuMicros();
  }

  onEnd(span: ReadableSpan): void {
    if (!this.#isProcess(span.name) || ++this.#ended !== this.#expected) return;
    this.lastCpu = processCpuMicros();
    this.#finish();
  }

  forceFlush = () => Promise.resolve();
  shutdown = () => Promise.resolve();
}

export interface CostTracing {
  readonly probe: DrainProbe;
  /** Every span ended so far (the batch processor flushed first). */
  spans(): Promise<ReadableSpan[]>;
  /** Milliseconds of GC pauses seen since registration, and the count. */
  gc(): { ms: number; count: number };
  shutdown(): Promise<void>;
}

/**
 * The production span pipeline in this process (packages/telemetry/src/sdk.ts): the event-id
 * and cost processors, then a batch processor sized as the preload sizes it — exporting to
 * memory instead of OTLP — plus the drain probe. Registered globally, as the preload would.
 */
export function registerCostTracing(expectedProcessSpans: number, isProcess: (name: string) => boolean): CostTracing {
  const exporter = new InMemorySpanExporter();
  const probe = new DrainProbe(expectedProcessSpans, isProcess);
  const provider = new TracerProvider({
    spanProcessors: [
      new EventIdSpanProcessor(),
      new CostSpanProcessor(),
      probe,
      new BatchSpanProcessor({
        exporter,
        maxQueueSize: 65_536,
        maxExportBatchSize: 4096,
        scheduledDelayMillis: 500,
      }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const gc = { ms: 0, count: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.ms += e.duration;
      gc.count++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    probe,
    async spans() {
      await provider.forceFlush();
      return exporter.getFinishedSpans();
    },
    gc: () => ({ ...gc }),
    async shutdown() {
      observer.disconnect();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
