import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse, type LoadResult } from '../src/index.ts';
import { hex, span } from './fixtures.ts';

// The warehouse service's DuckDB writer commits at most every WAREHOUSE_DUCKDB_COMMIT_INTERVAL_MS
// unless a group's worth of rows waits (load-groups.ts): loads that trickle in, as span exports
// and loader chunks do at the demo's rate, share transactions instead of one each.
describe('DuckDB commit interval: trickled loads share transactions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-interval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** 30 span loads of 5 rows, 20 ms apart; the transactions they ran in, and every span stored. */
  async function trickle(commitIntervalMs: number) {
    const wh = await DuckDbWarehouse.open(join(dir, `w${commitIntervalMs}.duckdb`), {}, { commitIntervalMs });
    await wh.migrate();
    try {
      const loads: Promise<LoadResult>[] = [];
      for (let i = 0; i < 30; i++) {
        const traceId = hex(16);
        loads.push(wh.loadSpans(Array.from({ length: 5 }, () => span({ traceId }))));
        await new Promise((r) => setTimeout(r, 20));
      }
      const results = await Promise.all(loads);
      // A load that ran alone has no group; grouped loads name theirs.
      const transactions = new Set(results.map((r, i) => r.group?.id ?? `alone-${i}`)).size;
      const [row] = await wh.sql('SELECT count(*) AS n FROM spans');
      return { transactions, stored: Number(row!.n), inserted: results.reduce((n, r) => n + r.inserted, 0) };
    } finally {
      await wh.close();
    }
  }

  it('250 ms: 30 loads over ~0.6 s in a handful of transactions, every row stored; 0 ms: about one each', async () => {
    const lingering = await trickle(250);
    expect(lingering).toMatchObject({ stored: 150, inserted: 150 });
    expect(lingering.transactions).toBeLessThanOrEqual(6);
    const eager = await trickle(0);
    expect(eager).toMatchObject({ stored: 150, inserted: 150 });
    expect(eager.transactions).toBeGreaterThanOrEqual(20);
  });

  it('a load waiting for the interval is committed when the warehouse closes', async () => {
    const path = join(dir, 'close.duckdb');
    const wh = await DuckDbWarehouse.open(path, {}, { commitIntervalMs: 10_000 });
    await wh.migrate();
    await wh.loadSpans([span({ traceId: hex(16) })]); // the first: at once
    const waiting = wh.loadSpans([span({ traceId: hex(16) }), span({ traceId: hex(16) })]);
    await wh.close();
    expect((await waiting).inserted).toBe(2);
    const again = await DuckDbWarehouse.open(path);
    const [row] = await again.sql('SELECT count(*) AS n FROM spans');
    expect(Number(row!.n)).toBe(3);
    await again.close();
  });
});
