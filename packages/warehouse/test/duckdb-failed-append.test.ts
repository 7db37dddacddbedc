import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { expect, it } from 'vitest';
import { connectWarehouse } from '../src/index.ts';
import { hex, span } from './fixtures.ts';

// The garbage collector, on call: it is what destroys a DuckDB appender the loads are done with.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

it(`a load that repeats a key leaves nothing behind that a later load, collected mid-transaction, trips on`, async () => {
  // CI saw a redelivered span load fail with "Current transaction is aborted" (1 load in a few
  // hundred). The load's first try, an appender straight into the table, fails on the repeated
  // key; the appender kept the failed rows and flushed them again when the garbage collector
  // destroyed it, into the transaction the writer had open at that moment. Collecting while the
  // next loads run makes that happen in most rounds.
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-wh-append-'));
  const wh = await connectWarehouse({ kind: 'duckdb', path: join(dir, 'warehouse.duckdb') });
  try {
    await wh.migrate();
    const failures: string[] = [];
    for (let round = 0; round < 20; round++) {
      const traceId = hex(16);
      const rows = [span({ traceId }), span({ traceId }), span({ traceId })];
      try {
        await wh.loadSpans(rows);
        await wh.loadSpans([...rows, rows[0]!]);
        const next = wh.loadSpans([span({ traceId }), rows[1]!]);
        for (let i = 0; i < 6; i++) {
          gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
        expect(await next).toMatchObject({ received: 2, inserted: 1 });
        expect(await wh.traceSpans(traceId)).toHaveLength(4);
      } catch (err) {
        failures.push(`round ${round}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  } finally {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
