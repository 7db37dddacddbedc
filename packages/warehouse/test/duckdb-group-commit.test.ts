import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { impressionsLoad } from '../src/attribution-tables.ts';
import { DuckDbWarehouse } from '../src/index.ts';
import { bytesWritten } from '../src/tables.ts';
import { hex, span } from './fixtures.ts';
import { impressionRows } from './impression-rows.ts';

// Loads queued while DuckDB's writer is busy run as one transaction (load-groups.ts). Its CPU is
// the group's: each answer names the group and the load's share of its bytes, so the warehouse
// service can split the CPU among the loads' spans instead of giving it all to the first.
describe('DuckDB group commit: each load answered with its group and share', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-group-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads grouped behind a busy writer share one group id; their shares are their bytes over the group’s', async () => {
    const wh = await DuckDbWarehouse.open(join(dir, 'w.duckdb'));
    await wh.migrate();
    const traceId = hex(16);
    const big = Array.from({ length: 20_000 }, (_, i) =>
      span({ traceId, spanId: (i + 1).toString(16).padStart(16, '0') }),
    );
    const imps = (from: number, n: number) =>
      impressionRows(
        Array.from({ length: n }, (_, i) => ({
          impressionId: `imp-${from + i}`,
          userKey: null,
          campaignId: 'cmp-1',
          eventTimeMs: 1_764_000_000_000,
        })),
      );
    const [a, b] = [imps(0, 30), imps(100, 10)];
    const busy = wh.loadSpans(big);
    await new Promise((r) => setImmediate(r)); // the writer busy with it: the next two queue and run together
    const [alone, first, second] = await Promise.all([busy, wh.loadImpressions(a), wh.loadImpressions(b)]);
    expect(alone.group).toBeUndefined();
    expect(first.group?.id).toBeDefined();
    expect(second.group?.id).toBe(first.group!.id);
    const [bytesA, bytesB] = [bytesWritten(impressionsLoad, a), bytesWritten(impressionsLoad, b)];
    expect(first.group!.share).toBeCloseTo(bytesA / (bytesA + bytesB), 9);
    expect(second.group!.share).toBeCloseTo(bytesB / (bytesA + bytesB), 9);
    await wh.close();
  });
});
