import { context, diag, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type IMetricReader, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { SpanAttributes } from './attributes.ts';
import { BatchesInFlightProcessor } from './batches-in-flight.ts';
import type { TelemetryConfig } from './config.ts';
import { CostSpanProcessor } from './cost-processor.ts';
import { cpuClock } from './cpu-clock.ts';
import { countingMeterProvider, DroppedSpans } from './dropped-spans.ts';
import { EventIdSpanProcessor } from './event-id-processor.ts';
import { setTelemetryHandle, type TelemetryHandle } from './handle.ts';
import { clearLeanTracer, LeanTracer, setLeanTracer } from './lean-span.ts';
import { kafkaMessageBytes } from './message-bytes.ts';
import { registerRuntimeMetrics } from './runtime-metrics.ts';
import { SDK_LOG_LEVELS, sdkLogger } from './sdk-log.ts';
import { AdtraceTraceExporter } from './trace-exporter.ts';

export interface StartOptions {
  /** Replaces the OTLP trace exporter (tests). */
  readonly spanExporter?: SpanExporter;
  /** Where the SDK's diagnostics go, a JSON line each (default: stderr; tests). */
  readonly writeLog?: (line: string) => void;
}

/**
 * What is the same for every span of this process goes on the resource, once per export
 * request, instead of on each span (README "Where attributes live"). Every adtrace process
 * speaks Kafka: `messaging.system` is process-wide, so the stream runtime leaves it off its spans.
 */
export function processAttributes(config: TelemetryConfig): Record<string, string> {
  return {
    [ATTR_SERVICE_NAME]: config.serviceName,
    [ATTR_SERVICE_VERSION]: config.serviceVersion,
    [ATTR_SERVICE_INSTANCE_ID]: config.instanceId,
    'messaging.system': 'kafka', // semconv's incubating ATTR_MESSAGING_SYSTEM: not worth that module
  };
}

/**
 * Starts the SDK and registers it globally: context, propagation (W3C trace context and
 * baggage), traces (cost processor, then a sized batch processor to OTLP/gRPC), metrics
 * (Prometheus and/or OTLP) and the kafkajs instrumentation. Returns the handle that
 * `shutdownTelemetry()` / `flushTelemetry()` / `spansDropped()` reach.
 */
export function startTelemetry(config: TelemetryConfig, options: StartOptions = {}): TelemetryHandle {
  const resource = resourceFromAttributes(processAttributes(config));
  diag.setLogger(sdkLogger(config.serviceName, options.writeLog), {
    logLevel: SDK_LOG_LEVELS[config.logLevel],
    suppressOverrideMessage: true,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );

  const readers: IMetricReader[] = [];
  if (config.metricsPort > 0) {
    readers.push(
      new PrometheusExporter({ port: config.metricsPort, host: config.metricsHost }, (err) => {
        if (err)
          diag.error(`adtrace telemetry: Prometheus endpoint on ${config.metricsHost}:${config.metricsPort}: ${err}`);
      }),
    );
  }
  if (config.metricsEndpoint) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: config.metricsEndpoint }),
        exportIntervalMillis: config.metricsIntervalMs,
      }),
    );
  }
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);

  const dropped = new DroppedSpans();
  // The stock OTLP/gRPC exporter with a leaner protobuf encoder: the same bytes (trace-exporter.ts).
  const exporter = options.spanExporter ?? new AdtraceTraceExporter({ url: config.tracesEndpoint });
  const sampler = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) });
  const spanProcessors = [
    new EventIdSpanProcessor(),
    new CostSpanProcessor(cpuClock(config.cpuClock)),
    new BatchesInFlightProcessor({
      exporter,
      ...config.batch,
      selfObsMeterProvider: countingMeterProvider(meterProvider, dropped),
    }),
  ];
  const tracerProvider = new TracerProvider({ resource, sampler, spanProcessors });
  trace.setGlobalTracerProvider(tracerProvider);
  // The stream runtime's per-message spans: same sampler, processors and exporter (lean-span.ts).
  setLeanTracer({
    tracer: new LeanTracer({ resource, sampler, processors: spanProcessors, parentBased: true }),
    provider: tracerProvider,
  });

  const stopRuntimeMetrics = registerRuntimeMetrics(meterProvider.getMeter('adtrace'), dropped);
  // Plain kafkajs use (CLI producers, tools) gets send/process spans with their byte counts;
  // the stream runtime runs its clients under suppressTracing and owns its messaging spans.
  const setBytes = (
    span: { setAttribute(k: string, v: number): unknown },
    info: { message: Parameters<typeof kafkaMessageBytes>[0] },
  ) => void span.setAttribute(SpanAttributes.kafkaBytes, kafkaMessageBytes(info.message));
  const unregister = registerInstrumentations({
    tracerProvider,
    meterProvider,
    instrumentations: [new KafkaJsInstrumentation({ producerHook: setBytes, consumerHook: setBytes })],
  });

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    flush: () => tracerProvider.forceFlush().catch((err) => diag.error(`adtrace telemetry: flush failed: ${err}`)),
    shutdown() {
      stopping ??= (async () => {
        unregister();
        stopRuntimeMetrics();
        clearLeanTracer(tracerProvider);
        await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown()]);
        // The SDK tells a full queue's drops only when a later span gets in: the run's total, once.
        if (dropped.total > 0) {
          diag.warn(
            `lost ${dropped.total} spans in this run (queue full ${dropped.queueFull}, export failed ${dropped.exportFailed})`,
          );
        }
        setTelemetryHandle(undefined);
        diag.disable();
      })();
      return stopping;
    },
    spansDropped: () => ({ queueFull: dropped.queueFull, exportFailed: dropped.exportFailed, total: dropped.total }),
  };
  setTelemetryHandle(handle);
  return handle;
}
