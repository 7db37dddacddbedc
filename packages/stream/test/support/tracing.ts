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

/** A real meter provider whose reader a test collects on demand: metric name → summed value. */
export function registerTestMetrics(): { collect(): Promise<Map<string, number>>; shutdown(): Promise<void> } {
  const reader = new (class extends MetricReader {
    protected async onForceFlush() {}
    protected async onShutdown() {}
  })();
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  return {
    async collect() {
      const { resourceMetrics } = await reader.collect();
      const out = new Map<string, number>();
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          // A counter's or gauge's value, or a histogram's count.
          const values = metric.dataPoints.map((p: { value: number | { count: number } }) => p.value);
          const sum = values.reduce(
            (n: number, v: number | { count: number }) => n + (typeof v === 'number' ? v : v.count),
            0,
          );
          out.set(metric.descriptor.name, sum);
        }
      }
      return out;
    },
    async shutdown() {
      await provider.shutdown();
      metrics.disable();
    },
  };
}
