/**
 * What services and the benchmark call, without importing the SDK: the preload registers its
 * handle here (on globalThis, so that two copies of this module still agree) and these
 * functions find it. Without a preloaded SDK (unit tests, tools) they do nothing.
 */
export interface TelemetryHandle {
  /** Exports what the batch processor holds; resolves when done (or failed: never throws). */
  flush(): Promise<void>;
  /** Flushes and stops the SDK; safe to call twice. */
  shutdown(): Promise<void>;
  /** Spans lost so far: dropped by a full queue, or in a failed export. */
  spansDropped(): { readonly queueFull: number; readonly exportFailed: number; readonly total: number };
}

const KEY = Symbol.for('adtrace.telemetry.handle');
type Holder = { [KEY]?: TelemetryHandle };

export function setTelemetryHandle(handle: TelemetryHandle | undefined): void {
  (globalThis as Holder)[KEY] = handle;
}

export function telemetryHandle(): TelemetryHandle | undefined {
  return (globalThis as Holder)[KEY];
}

/** Call last on SIGTERM (after draining, committing and closing): flushes and stops telemetry. */
export async function shutdownTelemetry(): Promise<void> {
  await telemetryHandle()?.shutdown();
}

/** Exports pending spans now, e.g. before a benchmark reads the warehouse. */
export async function flushTelemetry(): Promise<void> {
  await telemetryHandle()?.flush();
}

/** Spans dropped so far by this process's batch processor (zeros without telemetry). */
export function spansDropped(): { readonly queueFull: number; readonly exportFailed: number; readonly total: number } {
  return telemetryHandle()?.spansDropped() ?? { queueFull: 0, exportFailed: 0, total: 0 };
}
