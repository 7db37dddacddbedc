// Plain OpenTelemetry SDK pieces, re-exported for tests that need an SDK that is *not* ours:
// e.g. proving that any stock OTLP exporter can feed the warehouse. Nothing here adds cost
// attributes or touches the globals the preload sets.
export { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
export { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
export { resourceFromAttributes } from '@opentelemetry/resources';
export {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
