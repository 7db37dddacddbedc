import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaBrokers } from './kafka-env.ts';
import { localSecretEnv } from './local-secrets.ts';
import { logsDir, runDir, workspaceRoot } from './paths.ts';
import { forgetInstance, listInstances, readInstance, serviceOverrides } from './service-instances.ts';
import { type ServiceEntry, serviceRegistry } from './service-registry.ts';

/** The pipeline services, in start order: the entries of service-registry.ts. */
export function listServices(): string[] {
  return serviceRegistry.map((s) => s.name);
}

/** Folders services/<name> with a src/main.ts that are not registered (test/compose checks for none). */
export function unregisteredServiceFolders(): string[] {
  const dir = join(workspaceRoot, 'services');
  if (!existsSync(dir)) return [];
  const known = new Set(listServices());
  return readdirSync(dir).filter((n) => existsSync(join(dir, n, 'src', 'main.ts')) && !known.has(n));
}

/** The registered service `name` is, or is an instance of (service-instances.ts). */
function entry(name: string): ServiceEntry {
  const service = readInstance(name)?.service ?? name;
  const found = serviceRegistry.find((s) => s.name === service);
  if (!found) throw new Error(`unknown service ${name}`);
  return found;
}

export function assertKnownServices(names: readonly string[]): void {
  const known = [...listServices(), ...listInstances().map((i) => i.name)];
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new Error(
      `unknown service ${unknown.join(', ')}; the services are: ${known.join(', ') || '(none yet)'} ` +
        '(a new one is registered in packages/cli/src/service-registry.ts)',
    );
  }
}

export interface ServiceState {
  readonly name: string;
  readonly running: boolean;
  readonly pid?: number;
  readonly log: string;
}

const pidFile = (name: string) => join(runDir, `${name}.pid`);
const logFile = (name: string) => join(logsDir, `${name}.log`);

/** Alive and still the service (a recycled pid must not pass for it). */
function isServiceProcess(pid: number, name: string): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const service = readInstance(name)?.service ?? name;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join('services', service, 'src', 'main.ts'));
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

export function serviceState(name: string): ServiceState {
  const file = pidFile(name);
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
  const running = pid !== undefined && Number.isInteger(pid) && pid > 0 && isServiceProcess(pid, name);
  return { name, running, ...(running ? { pid } : {}), log: logFile(name) };
}

/** Its ports on this machine: the registry's, or the environment's where set. */
export function servicePorts(name: string): { metrics: number; ready: number } {
  const instance = readInstance(name);
  if (instance) return { metrics: instance.metricsPort, ready: instance.readyPort };
  const { ready, metricsPort } = entry(name);
  const fromEnv = (v: string | undefined, fallback: number) => (v?.trim() ? Number(v) : fallback);
  return {
    metrics: fromEnv(process.env.ADTRACE_METRICS_PORT, metricsPort),
    ready: fromEnv(process.env[ready.portVar], ready.port),
  };
}

/** Where `up` and `start` ask whether the service is ready. */
export function readinessUrl(name: string): string {
  return `http://127.0.0.1:${servicePorts(name).ready}${entry(name).ready.path}`;
}

/** The web page a service serves on this machine (the warehouse's web view), if it serves one. */
export function uiUrl(name: string): string | undefined {
  const { ui } = entry(name);
  if (!ui) return undefined;
  const port = process.env[ui.portVar]?.trim() || String(ui.port);
  return `http://127.0.0.1:${port}${ui.path}`;
}

function serviceEnv(name: string): NodeJS.ProcessEnv {
  const ports = servicePorts(name);
  const instance = readInstance(name);
  // The services find the broker the CLI uses, local port included (ADTRACE_KAFKA_PORT).
  return {
    ...(instance ? instance.env : serviceOverrides(name)),
    OTEL_SERVICE_NAME: instance?.service ?? name,
    KAFKA_BROKERS: kafkaBrokers().join(','),
    ADTRACE_METRICS_PORT: String(ports.metrics),
    [entry(name).ready.portVar]: String(ports.ready),
    ...localSecretEnv(entry(name).secrets ?? []),
  };
}

/**
 * Starts one service as a background process (its own process group) with the telemetry
 * preloaded, its output appended to .adtrace/logs/<name>.log. Already running → left alone.
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
      join(workspaceRoot, 'services', readInstance(name)?.service ?? name, 'src/main.ts'),
    ],
    {
      cwd: workspaceRoot,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...serviceEnv(name), ...env },
    },
  );
  if (child.pid === undefined) throw new Error(`could not start service ${name}`);
  startUpExits.delete(name);
  child.once('exit', (code, signal) => startUpExits.set(name, { code, signal }));
  child.unref();
  writeFileSync(pidFile(name), String(child.pid));
  return serviceState(name);
}

/** SIGTERM to its process group (the service drains and exits), SIGKILL after the grace period. */
export async function stopService(name: string, graceMs = 15_000): Promise<boolean> {
  const { pid, running } = serviceState(name);
  rmSync(pidFile(name), { force: true });
  if (!running || pid === undefined) {
    forgetInstance(name);
    return false;
  }
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isServiceProcess(pid, name) && Date.now() < deadline) await sleep(100);
  if (isServiceProcess(pid, name)) signal('SIGKILL');
  while (isServiceProcess(pid, name)) await sleep(50);
  forgetInstance(name);
  return true;
}

/**
 * The waves in which services stop: every service that exports spans at once, then the ones that
 * receive them (the warehouse). Stopped together, each service's final export at shutdown found
 * the warehouse's receiver already closed and its last spans were lost (a first run: every
 * service logged "telemetry: lost N spans in this run (… export failed N)").
 */
export function stopWaves(names: readonly string[]): string[][] {
  const receivers = names.filter((name) => entry(name).receivesSpans);
  const senders = names.filter((name) => !receivers.includes(name));
  return [senders, receivers].filter((wave) => wave.length > 0);
}

/** Stops the named services wave by wave (`stopWaves`): whether each was running, by name. */
export async function stopServices(names: readonly string[]): Promise<Map<string, boolean>> {
  const stopped = new Map<string, boolean>();
  for (const wave of stopWaves(names)) {
    await Promise.all(wave.map(async (name) => stopped.set(name, await stopService(name))));
  }
  return stopped;
}

/** The last `lines` lines of its log. */
export function logTail(name: string, lines = 20): string {
  const file = logFile(name);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly why: string };

/** How each service this process started has exited (`waitUntilReady` says it when start-up fails). */
const startUpExits = new Map<string, { code: number | null; signal: NodeJS.Signals | null }>();

/**
 * Why a service starting is no longer running: its exit code or the signal that killed it, once
 * this process has seen it (up to a second after); or, if the process in its pid file is alive,
 * that it no longer passes for the service. An empty log alone had said nothing (a CI run's
 * "ingest exited during start-up" with no line of ingest's, session 30).
 */
async function startUpFailure(name: string): Promise<string> {
  for (let i = 0; i < 20 && !startUpExits.has(name); i++) await sleep(50);
  const exit = startUpExits.get(name);
  if (exit) return `exited during start-up (${exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`})`;
  const file = pidFile(name);
  const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : Number.NaN;
  try {
    process.kill(pid, 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return `its process ${pid} is alive but not the service (command line "${cmdline}")`;
  } catch {
    return 'exited during start-up';
  }
}

/**
 * Waits until the service's readiness endpoint answers 200, the process exits, or `timeoutMs`
 * passes. An aborted `signal` rejects with its reason.
 */
export async function waitUntilReady(name: string, timeoutMs: number, signal?: AbortSignal): Promise<Readiness> {
  const url = readinessUrl(name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (!serviceState(name).running) return { ready: false, why: await startUpFailure(name) };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return { ready: true };
    } catch {}
    if (Date.now() > deadline) return { ready: false, why: `not ready after ${timeoutMs / 1000} s (${url})` };
    await sleep(250);
  }
}

/** How long `up` and `start` wait for a service to get ready: ADTRACE_READY_TIMEOUT_MS, 60 s. */
export function readyTimeoutMs(): number {
  const raw = process.env.ADTRACE_READY_TIMEOUT_MS?.trim();
  if (!raw) return 60_000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 3_600_000) {
    throw new Error(`ADTRACE_READY_TIMEOUT_MS must be an integer from 100 to 3600000, got "${raw}"`);
  }
  return n;
}
