import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';
import { defaultInstanceId } from './service-identity.ts';

describe('telemetry config', () => {
  it('defaults: warehouse endpoint, full sampling, sized batches, no metrics endpoints', () => {
    const c = toConfig({ OTEL_SERVICE_NAME: 'auction', ADTRACE_SERVICE_VERSION: '1.2.3' });
    expect(c.serviceVersion).toBe('1.2.3');
    expect(c.serviceName).toBe('auction');
    expect(c.tracesEndpoint).toBe('http://127.0.0.1:4317');
    expect(c.metricsEndpoint).toBeUndefined();
    expect(c.metricsPort).toBe(0);
    expect(c.sampleRatio).toBe(1);
    expect(c.batch.maxQueueSize).toBeGreaterThanOrEqual(c.batch.maxExportBatchSize);
    expect(c.batch.maxQueueSize).toBeGreaterThan(2048);
    expect(c.disabled).toBe(false);
  });

  it('service.instance.id: ADTRACE_INSTANCE_ID, else service name and host name, never the pid', () => {
    expect(toConfig({ OTEL_SERVICE_NAME: 'auction', ADTRACE_INSTANCE_ID: 'auction-7' }).instanceId).toBe('auction-7');
    const derived = toConfig(readEnv({ OTEL_SERVICE_NAME: 'auction' })).instanceId;
    expect(derived).toBe(`auction@${hostname()}`);
    expect(derived).not.toContain(String(process.pid));
    expect(toConfig({ OTEL_SERVICE_NAME: 'delivery' }).instanceId).not.toBe(derived);
    expect(defaultInstanceId('auction', 'pod-b')).not.toBe(defaultInstanceId('auction', 'pod-a'));
  });

  it('reads the standard and adtrace variables', () => {
    const c = toConfig(
      readEnv({
        OTEL_SERVICE_NAME: 'x',
        ADTRACE_SERVICE_VERSION: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
        ADTRACE_TRACE_SAMPLE_RATIO: '0.25',
        ADTRACE_METRICS_PORT: '9464',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '10',
      }),
    );
    expect(c.tracesEndpoint).toBe('http://collector:4317');
    // Where spans go is not where metrics go: neither the warehouse nor our collector takes them.
    expect(c.metricsEndpoint).toBeUndefined();
    expect(c.sampleRatio).toBe(0.25);
    expect(c.metricsPort).toBe(9464);
    expect(c.batch).toMatchObject({ maxQueueSize: 100, maxExportBatchSize: 10 });
  });

  it.each([
    ['ADTRACE_TRACE_SAMPLE_RATIO', '1.5'],
    ['ADTRACE_TRACE_SAMPLE_RATIO', 'all'],
    ['ADTRACE_METRICS_PORT', '70000'],
    ['OTEL_BSP_MAX_QUEUE_SIZE', '0'],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4317'],
    ['ADTRACE_COST_CPU_CLOCK', 'wall'],
    ['OTEL_SDK_DISABLED', 'yes'],
    ['OTEL_METRICS_EXPORTER', 'statsd'],
    ['OTEL_LOG_LEVEL', 'loud'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    expect(() => toConfig({ [name]: value })).toThrow(name);
  });

  it('sends OTLP metrics only where a metrics endpoint or exporter is named', () => {
    const base = { OTEL_SERVICE_NAME: 'x', ADTRACE_SERVICE_VERSION: '1' };
    expect(toConfig({ ...base, OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:4317' }).metricsEndpoint).toBe(
      'http://m:4317',
    );
    expect(
      toConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_METRICS_EXPORTER: 'otlp' })
        .metricsEndpoint,
    ).toBe('http://c:4317');
  });

  it('OTEL_METRICS_EXPORTER chooses the metric exporters', () => {
    const base = { OTEL_SERVICE_NAME: 'x', ADTRACE_SERVICE_VERSION: '1', ADTRACE_METRICS_PORT: '9464' };
    expect(
      toConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_METRICS_EXPORTER: 'none' }),
    ).toMatchObject({
      metricsPort: 0,
      metricsEndpoint: undefined,
    });
    expect(toConfig({ ...base, OTEL_METRICS_EXPORTER: 'otlp' })).toMatchObject({
      metricsPort: 0,
      metricsEndpoint: 'http://127.0.0.1:4317',
    });
  });

  it('rejects a batch larger than the queue', () => {
    expect(() => toConfig({ OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' })).toThrow(
      /OTEL_BSP_MAX_EXPORT_BATCH_SIZE/,
    );
  });
});
