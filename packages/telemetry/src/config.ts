import type { CpuClockKind } from './cpu-clock.ts';
import { SDK_LOG_LEVELS, type SdkLogLevel } from './sdk-log.ts';
import { defaultInstanceId, guessServiceName, guessServiceVersion } from './service-identity.ts';

export interface TelemetryConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** `service.instance.id`: stable across restarts of the same instance, unique among instances. */
  readonly instanceId: string;
  /** OTLP/gRPC traces endpoint. Default: the local warehouse service. */
  readonly tracesEndpoint: string;
  /** OTLP/gRPC metrics endpoint, or undefined for none (the warehouse takes traces only). */
  readonly metricsEndpoint: string | undefined;
  readonly metricsIntervalMs: number;
  /** Prometheus scrape port; 0 = no endpoint. */
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly sampleRatio: number;
  readonly batch: {
    readonly maxQueueSize: number;
    readonly maxExportBatchSize: number;
    readonly scheduledDelayMillis: number;
    readonly exportTimeoutMillis: number;
    /** Exports waiting for their answers at once (batches-in-flight.ts). */
    readonly exportsInFlight: number;
  };
  readonly cpuClock: CpuClockKind;
  /** OTEL_LOG_LEVEL: what of the SDK's own diagnostics reaches the log (sdk-log.ts). */
  readonly logLevel: SdkLogLevel;
}

/** The raw strings, as the environment has them. Tests build this by hand. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

// Every variable the telemetry reads. (Prices are the warehouse's: it prices spans as it loads them.)
const NAMES = `
OTEL_SDK_DISABLED OTEL_SERVICE_NAME ADTRACE_SERVICE_VERSION ADTRACE_INSTANCE_ID OTEL_EXPORTER_OTLP_ENDPOINT
OTEL_EXPORTER_OTLP_TRACES_ENDPOINT OTEL_EXPORTER_OTLP_METRICS_ENDPOINT OTEL_METRIC_EXPORT_INTERVAL
OTEL_METRICS_EXPORTER ADTRACE_METRICS_PORT ADTRACE_METRICS_HOST ADTRACE_TRACE_SAMPLE_RATIO
OTEL_BSP_MAX_QUEUE_SIZE OTEL_BSP_MAX_EXPORT_BATCH_SIZE OTEL_BSP_SCHEDULE_DELAY
OTEL_BSP_EXPORT_TIMEOUT ADTRACE_EXPORTS_IN_FLIGHT ADTRACE_COST_CPU_CLOCK OTEL_LOG_LEVEL
`
  .split(/\s+/)
  .filter(Boolean);

export function readEnv(env: NodeJS.ProcessEnv = process.env): TelemetryEnv {
  return Object.fromEntries(NAMES.map((n) => [n, env[n]?.trim() || undefined]));
}

function int(env: TelemetryEnv, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

function url(env: TelemetryEnv, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new Error(`${name} must be an http:// or https:// URL, got "${raw}"`);
  }
  return raw;
}

/**
 * OTEL_METRICS_EXPORTER (otlp, prometheus, none; comma-separated) when given. Otherwise
 * Prometheus, plus OTLP when someone named a metrics endpoint (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).
 * Not on OTEL_EXPORTER_OTLP_ENDPOINT alone: that names where spans go, the warehouse or a
 * collector with a traces pipeline (deploy/otel/collector.yaml), and neither takes metrics — each
 * export failed with UNIMPLEMENTED every 10 s, unseen until the SDK's diagnostics were logged.
 */
function metricsExporters(env: TelemetryEnv): string[] {
  const raw = env.OTEL_METRICS_EXPORTER;
  if (raw === undefined) return env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT ? ['prometheus', 'otlp'] : ['prometheus'];
  const list = raw.split(',').map((s) => s.trim().toLowerCase());
  const bad = list.find((s) => !['otlp', 'prometheus', 'none'].includes(s));
  if (bad !== undefined) throw new Error(`OTEL_METRICS_EXPORTER must list otlp, prometheus or none, got "${raw}"`);
  return list;
}

export function toConfig(env: TelemetryEnv): TelemetryConfig {
  const ratioRaw = env.ADTRACE_TRACE_SAMPLE_RATIO;
  const sampleRatio = ratioRaw === undefined ? 1 : Number(ratioRaw);
  if (!Number.isFinite(sampleRatio) || sampleRatio < 0 || sampleRatio > 1) {
    throw new Error(`ADTRACE_TRACE_SAMPLE_RATIO must be a number in [0, 1], got "${ratioRaw}"`);
  }
  const portRaw = env.ADTRACE_METRICS_PORT;
  const port = portRaw === 'off' ? 0 : int(env, 'ADTRACE_METRICS_PORT', 0, 0, 65535);
  const metricsPort = metricsExporters(env).includes('prometheus') ? port : 0;
  const clock = env.ADTRACE_COST_CPU_CLOCK ?? 'process';
  if (clock !== 'thread' && clock !== 'process')
    throw new Error(`ADTRACE_COST_CPU_CLOCK must be thread or process, got "${clock}"`);
  const logLevel = (env.OTEL_LOG_LEVEL?.toLowerCase() ?? 'warn') as SdkLogLevel;
  if (!Object.hasOwn(SDK_LOG_LEVELS, logLevel)) {
    throw new Error(
      `OTEL_LOG_LEVEL must be one of ${Object.keys(SDK_LOG_LEVELS).join(', ')}, got "${env.OTEL_LOG_LEVEL}"`,
    );
  }
  const disabledRaw = env.OTEL_SDK_DISABLED?.toLowerCase();
  if (disabledRaw !== undefined && disabledRaw !== 'true' && disabledRaw !== 'false') {
    throw new Error(`OTEL_SDK_DISABLED must be true or false, got "${env.OTEL_SDK_DISABLED}"`);
  }
  // Sized for the pipeline, not the SDK defaults (2048 / 512 / 5 s drop spans at a few
  // thousand events per second): 64 Ki spans of slack, 4 Ki per export, flushed twice a second,
  // two exports in flight (one at a time, the auction dropped spans: batches-in-flight.ts).
  const batch = {
    maxQueueSize: int(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 65_536, 1),
    maxExportBatchSize: int(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 4096, 1),
    scheduledDelayMillis: int(env, 'OTEL_BSP_SCHEDULE_DELAY', 500, 0),
    exportTimeoutMillis: int(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000, 1),
    exportsInFlight: int(env, 'ADTRACE_EXPORTS_IN_FLIGHT', 2, 1, 16),
  };
  if (batch.maxExportBatchSize > batch.maxQueueSize) {
    throw new Error(
      `OTEL_BSP_MAX_EXPORT_BATCH_SIZE (${batch.maxExportBatchSize}) must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${batch.maxQueueSize})`,
    );
  }
  const common = url(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const serviceName = env.OTEL_SERVICE_NAME ?? guessServiceName();
  return {
    disabled: disabledRaw === 'true',
    serviceName,
    instanceId: env.ADTRACE_INSTANCE_ID ?? defaultInstanceId(serviceName),
    serviceVersion: env.ADTRACE_SERVICE_VERSION ?? guessServiceVersion(),
    tracesEndpoint: url(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? common ?? 'http://127.0.0.1:4317',
    // OTLP metrics only where asked for (metricsExporters): the default endpoint is the warehouse.
    metricsEndpoint: metricsExporters(env).includes('otlp')
      ? (url(env, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT') ?? common ?? 'http://127.0.0.1:4317')
      : undefined,
    metricsIntervalMs: int(env, 'OTEL_METRIC_EXPORT_INTERVAL', 10_000, 100),
    metricsPort,
    metricsHost: env.ADTRACE_METRICS_HOST ?? '127.0.0.1',
    sampleRatio,
    batch,
    cpuClock: clock,
    logLevel,
  };
}
