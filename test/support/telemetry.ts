// A real OpenTelemetry SDK registered in a test process, as the telemetry preload would: spans
// in memory, metrics collected on demand. Shared by the services' integration tests.
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** What the tests read of a finished span: everything it would export, events' attributes included. */
export interface SpanRecord {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly attributes: Record<string, unknown>;
  readonly events: readonly { name: string; attributes: Record<string, unknown> }[];
  readonly status: { code: number; message?: string | undefined };
}

export interface MetricPoint {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly value: number;
  /** Histograms: how many values were recorded (value is then their sum). */
  readonly count: number;
}

export interface TestTelemetry {
  spans(): SpanRecord[];
  points(): Promise<MetricPoint[]>;
  shutdown(): Promise<void>;
}

/**
 * A real SDK in the test process, registered globally as the telemetry preload would: tracer
 * provider with an in-memory exporter, async-hooks context, W3C propagation, and a meter
 * provider whose reader the test collects on demand.
 */
export function registerTestTelemetry(): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(tracerProvider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const reader = new (class extends MetricReader {
    protected async onForceFlush() {}
    protected async onShutdown() {}
  })();
  const meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => exporter.getFinishedSpans().map(toRecord),
    async points() {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) =>
        scope.metrics.flatMap((metric) =>
          metric.dataPoints.map((p) => ({
            name: metric.descriptor.name,
            attributes: { ...p.attributes },
            value: typeof p.value === 'number' ? p.value : ((p.value as { sum?: number }).sum ?? Number.NaN),
            count: typeof p.value === 'number' ? 1 : ((p.value as { count?: number }).count ?? 0),
          })),
        ),
      );
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
}

function toRecord(span: ReadableSpan): SpanRecord {
  return {
    name: span.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({ name: e.name, attributes: { ...e.attributes } })),
    status: { code: span.status.code, message: span.status.message },
  };
}

/** Sum of a metric's points whose attributes include `where`. */
export function sumOf(points: readonly MetricPoint[], name: string, where: Record<string, unknown> = {}): number {
  return points
    .filter((p) => p.name === name && Object.entries(where).every(([k, v]) => p.attributes[k] === v))
    .reduce((n, p) => n + p.value, 0);
}
