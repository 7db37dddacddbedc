import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WarehouseConfig } from '@adtrace/warehouse';
import { dropPostgresSchema } from '@adtrace/warehouse/testing';
import {
  readEnv,
  type ServiceConfig,
  type ServiceOptions,
  startWarehouseService,
  toConfig,
  type WarehouseService,
} from '../src/index.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  readonly name: 'duckdb' | 'postgres';
  readonly config: WarehouseConfig;
  /** Removes the temp dir or drops the schema; safe to call twice. */
  cleanup(): Promise<void>;
}

export function duckdbBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-whsvc-'));
  return {
    name: 'duckdb',
    config: { kind: 'duckdb', path: join(dir, 'warehouse.duckdb') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function postgresBackend(): Backend {
  const schema = `test_whsvc_${randomBytes(4).toString('hex')}`;
  return {
    name: 'postgres',
    config: { kind: 'postgres', url: PG_URL, schema, poolSize: 4 },
    cleanup: () => dropPostgresSchema(PG_URL, schema),
  };
}

export const backends = [
  { name: 'duckdb', make: duckdbBackend },
  { name: 'postgres', make: postgresBackend },
] as const;

/** The service on free ports, loader off unless asked for; `over` patches the config. */
export function startTestService(
  backend: Backend,
  over: Partial<ServiceConfig> = {},
  options: ServiceOptions = {},
): Promise<WarehouseService> {
  const base = toConfig(readEnv({}));
  const config: ServiceConfig = {
    ...base,
    warehouse: backend.config,
    host: '127.0.0.1',
    otlpPort: 0,
    apiPort: 0,
    loader: { ...base.loader, enabled: false },
    // Tests load spans of fixed, long-past times: kept unless a test is about retention.
    spanRetention: { hours: 0, everyMs: base.spanRetention.everyMs },
    ...over,
  };
  return startWarehouseService(config, { log: () => {}, ...options });
}

// biome-ignore lint/suspicious/noExplicitAny: tests read API JSON of several shapes
export async function getJson(port: number, path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.json() };
}

/** Polls until `check` returns a value (not undefined), at most `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
