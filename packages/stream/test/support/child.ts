import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './kafka-io.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface ChildHop {
  readonly process: ChildProcess;
  /** The health port, once the child has started its hop. */
  readonly port: Promise<number>;
  readonly exited: Promise<number | null>;
  output(): string;
}

/**
 * Starts test/support/hop-child.ts; with `telemetry`, the production telemetry preload
 * (packages/telemetry/src/preload.ts: the SDK, its processors, OTLP export, the kafkajs
 * instrumentation) is loaded first, as `adtrace up` starts every service.
 */
export function spawnHop(env: Record<string, string>, options: { telemetry?: boolean } = {}): ChildHop {
  const args = options.telemetry ? ['--import', here('../../../telemetry/src/preload.ts')] : [];
  const child = spawn(process.execPath, [...args, here('./hop-child.ts')], {
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  let resolvePort: (port: number) => void = () => {};
  const port = new Promise<number>((resolve) => {
    resolvePort = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    const match = /PORT (\d+)/.exec(log);
    if (match) resolvePort(Number(match[1]));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, port, exited, output: () => log };
}

/** Waits until /readyz answers 200: joined and stores restored. */
export async function waitReady(child: ChildHop, timeoutMs = 60_000): Promise<number> {
  const port = await Promise.race([
    child.port,
    child.exited.then((code) =>
      Promise.reject(new Error(`child exited (${code}) before it was ready:\n${child.output()}`)),
    ),
  ]);
  await waitFor(
    'the child hop to be ready',
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    timeoutMs,
  );
  return port;
}

/** Sends `signal` and waits for the exit; escalates to SIGKILL so a test never leaks a process. */
export async function stopChild(
  child: ChildHop,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 30_000,
): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.process.exitCode;
  child.process.kill(signal);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  try {
    return await child.exited;
  } finally {
    clearTimeout(timer);
  }
}
