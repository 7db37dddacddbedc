import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { type SpanRecord, toRecord } from './sdk.ts';

export interface TestTracing {
  spans(): SpanRecord[];
  reset(): void;
  shutdown(): Promise<void>;
}

/**
 * A real SDK in this test process: tracer provider, in-memory exporter, async-hooks context
 * manager and the W3C propagator, registered globally as the telemetry package's preload would.
 */
export function registerTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    spans: () => exporter.getFinishedSpans().map(toRecord),
    reset: () => exporter.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** A histogram's points merged over their attributes. */
export interface HistogramSummary {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

type Point = number | { count: number; sum?: number; min?: number; max?: number };

/**
 * A real meter provider whose reader a test collects on demand: metric name → summed value (a
 * counter's or gauge's value, a histogram's count), and each histogram's count, sum, min and max.
 */
export function registerTestMetrics(): {
  collect(): Promise<Map<string, number>>;
  histograms(): Promise<Map<string, HistogramSummary>>;
  shutdown(): Promise<void>;
} {
  const reader = new (class extends MetricReader {
    protected async onForceFlush() {}
    protected async onShutdown() {}
  })();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  const points = async () => {
    const { resourceMetrics } = await reader.collect();
    const out = new Map<string, Point[]>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics)
        out.set(
          metric.descriptor.name,
          metric.dataPoints.map((p: { value: Point }) => p.value),
        );
    return out;
  };
  return {
    async collect() {
      const out = new Map<string, number>();
      for (const [name, values] of await points())
        out.set(
          name,
          values.reduce((n: number, v) => n + (typeof v === 'number' ? v : v.count), 0),
        );
      return out;
    },
    async histograms() {
      const out = new Map<string, HistogramSummary>();
      for (const [name, values] of await points()) {
        const hs = values.filter((v) => typeof v !== 'number');
        if (hs.length === 0) continue;
        out.set(name, {
          count: hs.reduce((n, h) => n + h.count, 0),
          sum: hs.reduce((n, h) => n + (h.sum ?? 0), 0),
          min: Math.min(...hs.map((h) => h.min ?? Number.POSITIVE_INFINITY)),
          max: Math.max(...hs.map((h) => h.max ?? Number.NEGATIVE_INFINITY)),
        });
      }
      return out;
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
