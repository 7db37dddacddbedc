import { createRequire } from 'node:module';

/**
 * The OpenTelemetry SDK packages are installed for @adtrace/telemetry, not for this package
 * (the runtime sees only @opentelemetry/api), so tests load them through telemetry's resolution.
 * All copies of @opentelemetry/api share one global registry, so the SDK registered here is the
 * one the runtime's `trace.getTracer` reaches.
 */
const requireSdk = createRequire(new URL('../../../telemetry/package.json', import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: untyped from here; the tests use a few members
type Module = any;

export const sdkTrace: Module = requireSdk('@opentelemetry/sdk-trace');
export const asyncHooks: Module = requireSdk('@opentelemetry/context-async-hooks');
export const core: Module = requireSdk('@opentelemetry/core');
export const instrumentation: Module = requireSdk('@opentelemetry/instrumentation');
export const kafkajsInstrumentation: Module = requireSdk('@opentelemetry/instrumentation-kafkajs');
export const sdkMetrics: Module = requireSdk('@opentelemetry/sdk-metrics');

/** What tests read of a finished span, also as written by the child's file exporter. */
export interface SpanRecord {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly scope: string;
  readonly status: number;
  readonly attributes: Record<string, unknown>;
  readonly events: readonly string[];
}

// biome-ignore lint/suspicious/noExplicitAny: a ReadableSpan of the SDK
export function toRecord(span: any): SpanRecord {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    scope: span.instrumentationScope?.name ?? '',
    status: span.status?.code ?? 0,
    attributes: { ...span.attributes },
    // biome-ignore lint/suspicious/noExplicitAny: a TimedEvent
    events: (span.events ?? []).map((e: any) => e.name),
  };
}
