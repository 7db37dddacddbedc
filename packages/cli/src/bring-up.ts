import { print } from './command.ts';
import {
  logTail,
  readinessUrl,
  readyTimeoutMs,
  serviceState,
  startService,
  stopService,
  uiUrl,
  waitUntilReady,
} from './services.ts';

/** A service that did not get ready: why, and the end of its log. */
export class NotReady extends Error {
  override readonly name = 'NotReady';
  readonly service: string;
  constructor(service: string, why: string) {
    super(`${service} ${why}; the last lines of ${serviceState(service).log}:\n${logTail(service)}`);
    this.service = service;
  }
}

/**
 * Starts the services in order, each only once the one before is ready, and says `started`
 * only when its readiness endpoint answers 200. A service that exits or is not ready within
 * ADTRACE_READY_TIMEOUT_MS is stopped (if this call started it) and NotReady is thrown.
 * `onStarted` hears of every process this call spawned, so the caller can stop them later.
 */
export async function bringUp(
  names: readonly string[],
  options: { signal?: AbortSignal; onStarted?: (name: string) => void } = {},
): Promise<void> {
  const timeoutMs = readyTimeoutMs();
  for (const name of names) {
    const before = serviceState(name).running;
    const state = startService(name);
    if (!before) options.onStarted?.(name);
    const readiness = await waitUntilReady(name, timeoutMs, options.signal);
    if (!readiness.ready) {
      const error = new NotReady(name, readiness.why);
      if (!before) await stopService(name);
      throw error;
    }
    print(`${name.padEnd(10)} ${before ? 'running' : 'started'}, ready (pid ${state.pid}; ${readinessUrl(name)})`);
    const ui = uiUrl(name);
    if (ui) print(`${'web view'.padEnd(10)} ${ui}`);
  }
}
