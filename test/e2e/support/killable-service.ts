// A service's real src/main.ts as a child process a test can SIGKILL and start again: no
// telemetry preload (the OTel API is then a no-op, and nothing is sent to a collector another
// run may own), the caller's environment without any service variables of the machine, ready
// once every given health port answers 200 on /readyz.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from '../../../packages/stream/test/support/kafka-io.ts';

const root = join(import.meta.dirname, '..', '..', '..');

export interface KillableService {
  readonly child: ChildProcess;
  /** Its last output, stdout and stderr, for a failure's message. */
  tail(chars?: number): string;
  /** SIGKILL (no drain, no commit) or SIGTERM (drained), and wait for the exit. */
  stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** SIGSTOP / SIGCONT: frozen mid-whatever, its backlog grows; resumed, it works it off. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  /** It exited without being asked to: the message says how. */
  failure(): string | undefined;
}

const running = new Set<ChildProcess>();

export async function startKillable(
  service: string,
  env: Record<string, string>,
  healthPorts: readonly number[],
): Promise<KillableService> {
  const machine = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TRACKING|AGGREGATION|DELIVERY|INGEST)_/.test(k)),
  );
  const child = spawn(process.execPath, [join(root, 'services', service, 'src/main.ts')], {
    cwd: root,
    env: { ...machine, KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const tail = (chars = 2500) => output.slice(-chars);
  const exited = () =>
    new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve()),
    );
  await waitFor(
    `${service} ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${service} exited ${child.exitCode}: ${tail()}`);
      for (const port of healthPorts) {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        if (res?.status !== 200) return undefined;
      }
      return true;
    },
    // Joined (after the killed member's session expired), tasks fenced and state restored.
    180_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}; its output:\n${tail()}`);
  });
  let stopping = false;
  return {
    child,
    tail,
    failure: () =>
      !stopping && (child.exitCode !== null || child.signalCode !== null)
        ? `${service} exited ${child.exitCode ?? child.signalCode}: ${tail()}`
        : undefined,
    signal: (signal) => child.kill(signal),
    async stop(signal) {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited();
    },
  };
}

/** SIGKILL whatever a failed test left running. */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
}
