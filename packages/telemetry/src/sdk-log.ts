import { type DiagLogger, DiagLogLevel } from '@opentelemetry/api';

/** OTEL_LOG_LEVEL's values (the OpenTelemetry spec's), as the SDK's diagnostic levels. */
export const SDK_LOG_LEVELS = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
} as const;

export type SdkLogLevel = keyof typeof SDK_LOG_LEVELS;

/**
 * The SDK's own diagnostics as the services' JSON log lines on stderr. Without a logger the SDK
 * says nothing: a failed span export (the warehouse down, a batch refused) and a full queue
 * ("Dropped N spans because maxQueueSize reached") were only a counter on /metrics, and spans
 * vanished with no line in any log. At the default level, `warn`, those two are what it writes.
 */
export function sdkLogger(service: string, write: (line: string) => void = (l) => process.stderr.write(l)): DiagLogger {
  const line =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      write(
        `${JSON.stringify({
          time: new Date().toISOString(),
          level,
          service,
          message: `telemetry: ${[message, ...args.map(text)].join(' ')}`,
        })}\n`,
      );
  return { error: line('error'), warn: line('warn'), info: line('info'), debug: line('debug'), verbose: line('debug') };
}

function text(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
