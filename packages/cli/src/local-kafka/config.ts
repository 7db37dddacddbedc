import { join } from 'node:path';
import { stateDir, workspaceRoot } from '../paths.ts';

/** Where the local broker keeps its jars, data and log, and which ports it listens on. */
export interface LocalKafkaConfig {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly controllerPort: number;
  readonly heapMb: number;
  readonly home: string;
  readonly libsDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  readonly pidFile: string;
  readonly propertiesFile: string;
  readonly deployDir: string;
  readonly startTimeoutMs: number;
}

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** The local broker's settings from the environment; tests pass overrides (another home, other ports). */
export function localKafkaConfig(overrides: Partial<LocalKafkaConfig> = {}): LocalKafkaConfig {
  const home = overrides.home ?? join(stateDir, 'kafka');
  return {
    host: '127.0.0.1',
    port: intFromEnv('ADTRACE_KAFKA_PORT', 9092, 1, 65535),
    controllerPort: intFromEnv('ADTRACE_KAFKA_CONTROLLER_PORT', 9093, 1, 65535),
    heapMb: intFromEnv('ADTRACE_KAFKA_HEAP_MB', 512, 256, 16384),
    home,
    libsDir: join(home, 'libs'),
    dataDir: join(home, 'data'),
    logFile: join(home, 'server.log'),
    pidFile: join(home, 'broker.pid'),
    propertiesFile: join(home, 'server.properties'),
    deployDir: join(workspaceRoot, 'deploy', 'kafka'),
    startTimeoutMs: intFromEnv('ADTRACE_KAFKA_START_TIMEOUT_MS', 90_000, 5_000, 600_000),
    ...overrides,
  };
}
