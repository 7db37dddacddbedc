import { context, metrics, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { CostAttributes } from './attributes.ts';
import { toConfig } from './config.ts';
import { spansDropped, telemetryHandle } from './handle.ts';
import { startTelemetry } from './sdk.ts';

// The SDK as the preload starts it, exporting to memory instead of OTLP (no I/O).
const config = (ratio: string) =>
  toConfig({
    OTEL_SERVICE_NAME: 'test',
    ADTRACE_SERVICE_VERSION: '1',
    ADTRACE_INSTANCE_ID: 'test-instance-3',
    ADTRACE_TRACE_SAMPLE_RATIO: ratio,
    OTEL_BSP_SCHEDULE_DELAY: '10',
  });

afterEach(async () => {
  await telemetryHandle()?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  metrics.disable();
});

describe('startTelemetry', () => {
  it('exports spans with their cost attributes and registers the handle', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = startTelemetry(config('1'), { spanExporter: exporter });
    expect(telemetryHandle()).toBe(handle);
    trace.getTracer('t').startActiveSpan('ads.auction', (span) => span.end());
    await handle.flush();
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('ads.auction');
    expect(span?.resource.attributes).toMatchObject({
      'service.name': 'test',
      'service.version': '1',
      'service.instance.id': 'test-instance-3',
      'messaging.system': 'kafka',
    });
    expect(span?.attributes[CostAttributes.cpuMicros]).toBeTypeOf('number');
    expect(spansDropped()).toEqual({ queueFull: 0, exportFailed: 0, total: 0 });
  });

  it('samples roots by ratio and follows a sampled parent from the traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    const handle = startTelemetry(config('0'), { spanExporter: exporter });
    const tracer = trace.getTracer('t');
    tracer.startSpan('root, not sampled at ratio 0').end();
    const parent = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    tracer.startSpan('child of a sampled upstream', {}, parent).end();
    await handle.flush();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child of a sampled upstream']);
  });

  it('shutdown is safe twice and unregisters the handle', async () => {
    const handle = startTelemetry(config('1'), { spanExporter: new InMemorySpanExporter() });
    await Promise.all([handle.shutdown(), handle.shutdown()]);
    expect(telemetryHandle()).toBeUndefined();
  });

  it('says in the log when spans are lost: a failed export, a full queue', async () => {
    const lines: string[] = [];
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('warehouse unreachable') }),
      shutdown: async () => {},
    };
    const small = toConfig({
      OTEL_SERVICE_NAME: 'test',
      OTEL_BSP_SCHEDULE_DELAY: '10',
      OTEL_BSP_MAX_QUEUE_SIZE: '2',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1',
      ADTRACE_EXPORTS_IN_FLIGHT: '1',
    });
    const handle = startTelemetry(small, { spanExporter: failing, writeLog: (l) => lines.push(l) });
    const tracer = trace.getTracer('t');
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    await handle.flush();
    const { queueFull, exportFailed } = spansDropped();
    await handle.shutdown();
    const logged = lines.map((l) => JSON.parse(l) as { level: string; service: string; message: string });
    expect(queueFull).toBeGreaterThan(0);
    expect(exportFailed).toBeGreaterThan(0);
    // A failed export says why; the run's losses are told when it stops.
    expect(logged.find((l) => l.message.includes('warehouse unreachable'))).toMatchObject({ service: 'test' });
    expect(logged.at(-1)).toMatchObject({
      level: 'warn',
      service: 'test',
      message: `telemetry: lost ${queueFull + exportFailed} spans in this run (queue full ${queueFull}, export failed ${exportFailed})`,
    });
  });

  it('writes nothing at OTEL_LOG_LEVEL=none', async () => {
    const lines: string[] = [];
    const failing: SpanExporter = {
      export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('warehouse unreachable') }),
      shutdown: async () => {},
    };
    const quiet = toConfig({ OTEL_SERVICE_NAME: 'test', OTEL_BSP_SCHEDULE_DELAY: '10', OTEL_LOG_LEVEL: 'none' });
    const handle = startTelemetry(quiet, { spanExporter: failing, writeLog: (l) => lines.push(l) });
    trace.getTracer('t').startSpan('s').end();
    await handle.flush();
    expect(spansDropped().exportFailed).toBe(1);
    expect(lines).toEqual([]);
  });
});
