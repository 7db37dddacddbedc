import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaBrokers } from './kafka-env.ts';
import { logsDir, runDir, workspaceRoot } from './paths.ts';

/** The pipeline services that exist: every services/<name> with a src/main.ts. */
export function listServices(): string[] {
  const dir = join(workspaceRoot, 'services');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'src', 'main.ts')))
    .sort();
}

export interface ServiceState {
  readonly name: string;
  readonly running: boolean;
  readonly pid?: number;
  readonly log: string;
}

const pidFile = (name: string) => join(runDir, `${name}.pid`);
const logFile = (name: string) => join(logsDir, `${name}.log`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function serviceState(name: string): ServiceState {
  const file = pidFile(name);
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
  const running = pid !== undefined && Number.isInteger(pid) && alive(pid);
  return { name, running, ...(running ? { pid } : {}), log: logFile(name) };
}

export function assertKnownServices(names: readonly string[]): void {
  const known = listServices();
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown service ${unknown.join(', ')}; the services are: ${known.join(', ') || '(none yet)'}`);
  }
}

/**
 * Ports of one service on this machine, so that several services can run side by side: its
 * Prometheus endpoint (ADTRACE_METRICS_PORT) and its health/readiness endpoint
 * (<SERVICE>_HEALTH_PORT, the stream runtime's variable under the service's prefix).
 */
export function servicePorts(name: string): { metrics: number; health: number } {
  const index = Math.max(0, listServices().indexOf(name));
  return { metrics: 9464 + index, health: 8081 + index };
}

function serviceEnv(name: string): NodeJS.ProcessEnv {
  const ports = servicePorts(name);
  // The services find the broker the CLI uses, local port included (ADTRACE_KAFKA_PORT).
  const env: NodeJS.ProcessEnv = { OTEL_SERVICE_NAME: name, KAFKA_BROKERS: kafkaBrokers().join(',') };
  if (!process.env.ADTRACE_METRICS_PORT) env.ADTRACE_METRICS_PORT = String(ports.metrics);
  const healthVar = `${name.toUpperCase()}_HEALTH_PORT`;
  if (!process.env[healthVar]) env[healthVar] = String(ports.health);
  return env;
}

/**
 * Starts one service as a background process with the telemetry preloaded, its output in
 * .adtrace/logs/<name>.log. Already running → left alone.
 */
export function startService(name: string, env: NodeJS.ProcessEnv = {}): ServiceState {
  const current = serviceState(name);
  if (current.running) return current;
  mkdirSync(runDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  const out = openSync(logFile(name), 'a');
  const child = spawn(
    process.execPath,
    [
      '--import',
      join(workspaceRoot, 'packages/telemetry/src/preload.ts'),
      join(workspaceRoot, 'services', name, 'src/main.ts'),
    ],
    {
      cwd: workspaceRoot,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...serviceEnv(name), ...env },
    },
  );
  if (child.pid === undefined) throw new Error(`could not start service ${name}`);
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return serviceState(name);
}

/** SIGTERM (the service drains and exits), SIGKILL after the grace period. */
export async function stopService(name: string, graceMs = 20_000): Promise<boolean> {
  const { pid, running } = serviceState(name);
  rmSync(pidFile(name), { force: true });
  if (!running || pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
