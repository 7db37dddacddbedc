import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type WarehouseConfig =
  | {
      readonly kind: 'duckdb';
      readonly path: string;
      /** DuckDB's worker threads (WAREHOUSE_DUCKDB_THREADS); absent: DuckDB's default, every core. */
      readonly threads?: number;
      /**
       * The least time between two of the writer's group commits, unless a group's worth of rows
       * waits (WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS; load-groups.ts); absent: 0, no wait.
       */
      readonly commitIntervalMs?: number;
    }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string; readonly poolSize: number };

export type WarehouseEnv = Readonly<Record<string, string | undefined>>;

/** The variables the warehouse's config reads (the warehouse service checks its own against them too). */
export const WAREHOUSE_SETTINGS = [
  'WAREHOUSE_URL',
  'WAREHOUSE_PATH',
  'WAREHOUSE_DUCKDB_THREADS',
  'WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS',
  'WAREHOUSE_PG_SCHEMA',
  'WAREHOUSE_PG_POOL',
  'ADTRACE_HOME',
] as const;

/**
 * One DuckDB thread unless told otherwise. The warehouse's load is a stream of small
 * transactions (a loader chunk, a group of OTLP requests), and DuckDB's parallel execution of
 * each cost more CPU than it saved: 74–89 µs a span row in loads of 150 rows with one thread
 * against 135–150 µs with two, 19–20 against 25–33 µs in loads of 2,000 (DuckDB 1.5, 2 cores).
 * Heavy ad-hoc reads on a machine with cores to spare may want more.
 */
const DEFAULT_DUCKDB_THREADS = 1;

/**
 * 250 ms between the writer's transactions unless 256 rows wait: at the demo's 20 events/s
 * every span export and every partition's loader chunk was a transaction of its own, ~23 a
 * second at several ms of CPU each whatever their size (bench/README.md, "the warehouse's
 * commits"). A span or row reaches its table up to that much later; a backlog never waits.
 */
const DEFAULT_DUCKDB_COMMIT_INTERVAL_MS = 250;

export function readEnv(env: NodeJS.ProcessEnv = process.env): WarehouseEnv {
  return Object.fromEntries(WAREHOUSE_SETTINGS.map((n) => [n, env[n]?.trim() || undefined]));
}

/** The workspace's state dir (ADTRACE_HOME, else <root>/.adtrace), found like the CLI finds it. */
export function defaultStateDir(env: WarehouseEnv): string {
  if (env.ADTRACE_HOME) return resolve(env.ADTRACE_HOME);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) return resolve('.adtrace');
    dir = up;
  }
  return join(dir, '.adtrace');
}

/**
 * WAREHOUSE_URL=postgres://… selects PostgreSQL; otherwise DuckDB at WAREHOUSE_PATH (default
 * <state dir>/warehouse.duckdb). A wrong value fails naming the variable.
 */
export function toConfig(env: WarehouseEnv): WarehouseConfig {
  const url = env.WAREHOUSE_URL;
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error(`WAREHOUSE_URL must be a postgres://user@host:port/database URL, got "${url}"`);
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw new Error(
        `WAREHOUSE_URL must start with postgres:// (DuckDB is the default: unset it and use WAREHOUSE_PATH), got "${url}"`,
      );
    }
    const schema = env.WAREHOUSE_PG_SCHEMA ?? 'adtrace';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`WAREHOUSE_PG_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
    }
    const poolRaw = env.WAREHOUSE_PG_POOL ?? '4';
    const poolSize = Number(poolRaw);
    if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 64) {
      throw new Error(`WAREHOUSE_PG_POOL must be an integer in [1, 64], got "${poolRaw}"`);
    }
    return { kind: 'postgres', url, schema, poolSize };
  }
  const threadsRaw = env.WAREHOUSE_DUCKDB_THREADS ?? String(DEFAULT_DUCKDB_THREADS);
  const threads = Number(threadsRaw);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new Error(`WAREHOUSE_DUCKDB_THREADS must be an integer in [1, 1024], got "${threadsRaw}"`);
  }
  const intervalRaw = env.WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS ?? String(DEFAULT_DUCKDB_COMMIT_INTERVAL_MS);
  const commitIntervalMs = Number(intervalRaw);
  if (!Number.isInteger(commitIntervalMs) || commitIntervalMs < 0 || commitIntervalMs > 10_000) {
    throw new Error(`WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS must be an integer in [0, 10000], got "${intervalRaw}"`);
  }
  const path =
    env.WAREHOUSE_PATH === ':memory:'
      ? ':memory:'
      : resolve(env.WAREHOUSE_PATH ?? join(defaultStateDir(env), 'warehouse.duckdb'));
  return { kind: 'duckdb', path, threads, commitIntervalMs };
}
