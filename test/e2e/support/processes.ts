// Services as users run them, for the end-to-end tests: each its own Node process with the
// telemetry preloaded, its output kept so a test can read (and scan) its log.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { testBrokers } from '../../support/kafka.ts';

export { freePort } from '../../support/ports.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const preload = join(root, 'packages/telemetry/src/preload.ts');

export interface Service {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

const started: Service[] = [];

/** services/<name>/src/main.ts, or `args` (a script and its arguments) under the service name. */
export function startService(name: string, env: Record<string, string>, args?: string[]): Service {
  const script = args ?? [join(root, 'services', name, 'src/main.ts')];
  const child = spawn(process.execPath, ['--import', preload, ...script], {
    cwd: root,
    env: {
      ...process.env,
      KAFKA_BROKERS: testBrokers().join(','),
      OTEL_SERVICE_NAME: name,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      ADTRACE_METRICS_PORT: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const service = { child, output: () => output };
  started.push(service);
  return service;
}

export const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));

/** SIGTERM to every service still running, and wait for each to exit. */
export async function stopAll(): Promise<void> {
  for (const { child } of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(started.map(({ child }) => exited(child)));
}

/** Polls `fn` until it gives a value; a bounded wait, never a timed assertion. */
export async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
