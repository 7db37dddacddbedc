import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { LocalKafkaConfig } from './config.ts';
import { ensureKafkaJars, installedKafkaVersion } from './jars.ts';

const run = promisify(execFile);

export interface BrokerStatus {
  readonly running: boolean;
  readonly pid?: number;
  readonly address: string;
  readonly version?: string;
}

export interface StartResult extends BrokerStatus {
  readonly alreadyRunning: boolean;
}

const JVM_OPTS = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-Djava.awt.headless=true',
];

function isBrokerProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A recycled pid must not be mistaken for our broker.
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
  } catch {
    return true; // no /proc (macOS): trust the signal check
  }
}

function readPid(cfg: LocalKafkaConfig): number | undefined {
  if (!existsSync(cfg.pidFile)) return undefined;
  const pid = Number(readFileSync(cfg.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The port the running broker was started with: its server.properties, written at start. */
function runningPort(cfg: LocalKafkaConfig): number | undefined {
  if (!existsSync(cfg.propertiesFile)) return undefined;
  const match = /^listeners=PLAINTEXT:\/\/[^:]+:(\d+)/m.exec(readFileSync(cfg.propertiesFile, 'utf8'));
  return match ? Number(match[1]) : undefined;
}

function address(cfg: LocalKafkaConfig): string {
  return `${cfg.host}:${cfg.port}`;
}

export function brokerStatus(cfg: LocalKafkaConfig): BrokerStatus {
  const pid = readPid(cfg);
  const running = pid !== undefined && isBrokerProcess(pid);
  return { running, ...(running ? { pid } : {}), address: address(cfg), version: installedKafkaVersion(cfg) };
}

function assertPortFree(host: string, port: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `${what} port ${port} on ${host} is held by another process (not the adtrace broker); free it or set ADTRACE_KAFKA_PORT / ADTRACE_KAFKA_CONTROLLER_PORT`
            : `cannot check ${what} port ${port} on ${host}: ${err.message}`,
        ),
      );
    });
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function writeProperties(cfg: LocalKafkaConfig): void {
  const template = readFileSync(join(cfg.deployDir, 'server.properties'), 'utf8');
  const values: Record<string, string> = {
    port: String(cfg.port),
    controllerPort: String(cfg.controllerPort),
    dataDir: cfg.dataDir,
  };
  const text = template.replace(/\$\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`unknown placeholder \${${key}} in deploy/kafka/server.properties`);
    return value;
  });
  writeFileSync(cfg.propertiesFile, text);
}

async function storageTool(cfg: LocalKafkaConfig, args: string[], signal?: AbortSignal): Promise<string> {
  const { stdout } = await run(
    'java',
    [
      `-Dlog4j2.configurationFile=${join(cfg.deployDir, 'tools-log4j2.properties')}`,
      '-cp',
      join(cfg.libsDir, '*'),
      'kafka.tools.StorageTool',
      ...args,
    ],
    { signal },
  );
  return stdout.trim();
}

/** KRaft storage is formatted once per empty data dir; a formatted dir is left as it is. */
async function formatStorageOnce(cfg: LocalKafkaConfig, signal?: AbortSignal): Promise<void> {
  if (existsSync(join(cfg.dataDir, 'meta.properties'))) return;
  mkdirSync(cfg.dataDir, { recursive: true });
  const clusterId = await storageTool(cfg, ['random-uuid'], signal);
  if (!/^[\w-]{22}$/.test(clusterId)) throw new Error(`StorageTool random-uuid printed "${clusterId}"`);
  await storageTool(cfg, ['format', '-t', clusterId, '-c', cfg.propertiesFile, '--ignore-formatted'], signal);
}

function logTail(cfg: LocalKafkaConfig, lines = 20): string {
  if (!existsSync(cfg.logFile)) return '(no log)';
  return readFileSync(cfg.logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

async function waitUntilStarted(
  cfg: LocalKafkaConfig,
  pid: number,
  logOffset: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + cfg.startTimeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (!isBrokerProcess(pid)) {
      throw new Error(`the Kafka broker exited during start-up; ${cfg.logFile} ends with:\n${logTail(cfg)}`);
    }
    if (
      existsSync(cfg.logFile) &&
      readFileSync(cfg.logFile, 'utf8').slice(logOffset).includes('Kafka Server started')
    ) {
      return;
    }
    await sleep(250);
  }
  throw new Error(`the Kafka broker did not start within ${cfg.startTimeoutMs} ms; see ${cfg.logFile}`);
}

/**
 * Starts the local broker unless it already runs (then reports it). An aborted `signal` stops a
 * start under way, the broker it spawned included, and rejects with the signal's reason.
 */
export async function startBroker(
  cfg: LocalKafkaConfig,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<StartResult> {
  const pid = readPid(cfg);
  if (pid !== undefined) {
    if (isBrokerProcess(pid)) {
      const port = runningPort(cfg);
      if (port !== undefined && port !== cfg.port) {
        throw new Error(
          `the local broker already runs on ${cfg.host}:${port}, not on the asked port ${cfg.port}; stop it first (adtrace kafka stop)`,
        );
      }
      return { ...brokerStatus(cfg), alreadyRunning: true };
    }
    log(`removing the stale pid file of broker process ${pid}, which is gone`);
    rmSync(cfg.pidFile, { force: true });
  }
  await assertPortFree(cfg.host, cfg.port, 'the Kafka');
  await assertPortFree(cfg.host, cfg.controllerPort, 'the Kafka controller');
  mkdirSync(cfg.home, { recursive: true });
  await ensureKafkaJars(cfg, log, signal);
  writeProperties(cfg);
  await formatStorageOnce(cfg, signal);
  signal?.throwIfAborted();

  const logOffset = existsSync(cfg.logFile) ? readFileSync(cfg.logFile, 'utf8').length : 0;
  const out = openSync(join(cfg.home, 'stdout.log'), 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${cfg.heapMb}m`,
      `-Xms${cfg.heapMb}m`,
      ...JVM_OPTS,
      `-Dlog4j2.configurationFile=${join(cfg.deployDir, 'log4j2.properties')}`,
      `-Dadtrace.log.file=${cfg.logFile}`,
      '-cp',
      join(cfg.libsDir, '*'),
      'kafka.Kafka',
      cfg.propertiesFile,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  if (child.pid === undefined) throw new Error('could not start java for the Kafka broker');
  child.unref();
  writeFileSync(cfg.pidFile, String(child.pid));
  try {
    await waitUntilStarted(cfg, child.pid, logOffset, signal);
  } catch (err) {
    await stopBroker(cfg);
    throw err;
  }
  return { ...brokerStatus(cfg), alreadyRunning: false };
}

/** SIGTERM, then wait for the process to exit (SIGKILL after the grace period). */
export async function stopBroker(cfg: LocalKafkaConfig, graceMs = 30_000): Promise<{ stopped: boolean; pid?: number }> {
  const pid = readPid(cfg);
  if (pid === undefined || !isBrokerProcess(pid)) {
    rmSync(cfg.pidFile, { force: true });
    return { stopped: false };
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isBrokerProcess(pid) && Date.now() < deadline) await sleep(200);
  if (isBrokerProcess(pid)) {
    process.kill(pid, 'SIGKILL');
    while (isBrokerProcess(pid)) await sleep(100);
  }
  rmSync(cfg.pidFile, { force: true });
  return { stopped: true, pid };
}
