import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../src/index.ts';
import { hex, span } from './fixtures.ts';

// DuckDB appends span rows straight into `spans` by position (tables.ts, `direct`): the loader's
// columns must be the table's, in its order, or every value would land in the wrong column.
describe('DuckDB: span rows appended straight into their table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-direct-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every column as the staged insert did, and refuses a table whose columns moved', async () => {
    const path = join(dir, 'warehouse.duckdb');
    const wh = await DuckDbWarehouse.open(path);
    await wh.migrate();
    const traceId = `00${hex(15)}`;
    const row = span({
      traceId,
      spanId: 'ff00000000000001',
      parentSpanId: '0000000000000abc',
      startUnixMicros: 1_763_769_600_123_457,
      statusMessage: 'line\nbreak',
      eventId: 'evt-direct',
      storageUsd: 4e-9,
      attributesJson: JSON.stringify({ 'adtrace.event_id': 'evt-direct', n: 1 }),
    });
    expect(await wh.loadSpans([row])).toMatchObject({ received: 1, inserted: 1 });
    const [stored] = await wh.sql(
      `SELECT trace_id::VARCHAR AS t, span_id, parent_span_id, epoch_us(start) AS us, status_message, event_id,
         storage_usd, attributes->>'$.n' AS n FROM spans`,
    );
    expect(stored).toMatchObject({
      t: `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`,
      status_message: 'line\nbreak',
      event_id: 'evt-direct',
      storage_usd: 4e-9,
      n: '1',
    });
    expect(BigInt(stored!.span_id as bigint)).toBe(0xff00000000000001n);
    expect(BigInt(stored!.parent_span_id as bigint)).toBe(0xabcn);
    expect(BigInt(stored!.us as bigint)).toBe(1_763_769_600_123_457n);
    await wh.close();

    const instance = await DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run('ALTER TABLE spans ADD COLUMN note VARCHAR');
    conn.closeSync();
    instance.closeSync();
    const moved = await DuckDbWarehouse.open(path);
    await expect(moved.migrate()).rejects.toThrow(/warehouse table spans: columns \(.*, note\) are not the loader's/);
    await moved.close();
  });
});
