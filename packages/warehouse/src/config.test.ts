import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toConfig } from './config.ts';
import { openWarehouse } from './open.ts';

describe('WAREHOUSE_DUCKDB_THREADS', () => {
  it('is 1 unless set: small loads cost less CPU on one DuckDB thread', () => {
    expect(toConfig({ WAREHOUSE_PATH: ':memory:' })).toMatchObject({ kind: 'duckdb', path: ':memory:', threads: 1 });
    expect(toConfig({ WAREHOUSE_PATH: ':memory:', WAREHOUSE_DUCKDB_THREADS: '4' })).toMatchObject({ threads: 4 });
  });

  it('refuses what is not a thread count, naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '5000']) {
      expect(() => toConfig({ WAREHOUSE_PATH: ':memory:', WAREHOUSE_DUCKDB_THREADS: bad })).toThrow(
        /WAREHOUSE_DUCKDB_THREADS must be an integer in \[1, 1024\]/,
      );
    }
  });

  it('is the embedded DuckDB’s threads setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adtrace-wh-threads-'));
    const config = toConfig({ WAREHOUSE_PATH: join(dir, 'w.duckdb'), WAREHOUSE_DUCKDB_THREADS: '3' });
    const wh = await openWarehouse(config);
    try {
      const [row] = await wh.sql(`SELECT current_setting('threads') AS threads`);
      expect(Number(row!.threads)).toBe(3);
    } finally {
      await wh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS', () => {
  it('is 250 ms unless set; 0 commits each load as soon as the writer is free', () => {
    expect(toConfig({ WAREHOUSE_PATH: ':memory:' })).toEqual({
      kind: 'duckdb',
      path: ':memory:',
      threads: 1,
      commitIntervalMs: 250,
    });
    expect(toConfig({ WAREHOUSE_PATH: ':memory:', WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS: '0' })).toMatchObject({
      commitIntervalMs: 0,
    });
  });

  it('refuses what is not a number of milliseconds, naming the variable', () => {
    for (const bad of ['-1', '2.5', 'soon', '10001']) {
      expect(() => toConfig({ WAREHOUSE_PATH: ':memory:', WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS: bad })).toThrow(
        /WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS must be an integer in \[0, 10000\], got "/,
      );
    }
  });
});
