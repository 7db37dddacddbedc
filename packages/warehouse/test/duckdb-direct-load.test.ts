import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { DuckDbWarehouse } from '../src/index.ts';
import { bytesWritten, spansLoad } from '../src/tables.ts';
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

  it('a load of several data chunks stores every row as given (edge ids, strings inline and not), nulls as null, and a malformed id stores nothing', async () => {
    // Rows go in as data chunks of 2,048 (duckdb-chunk.ts): 5,000 rows cross two boundaries, and
    // the ids cover the edges of their encodings (leading zeros, the top bit, upper case).
    const wh = await DuckDbWarehouse.open(join(dir, 'chunks.duckdb'));
    await wh.migrate();
    const edgeTraceIds = ['00000000000000000000000000000001', 'ffffffffffffffffffffffffffffffff', `80${hex(15)}`];
    const edgeSpanIds = ['0000000000000001', 'ffffffffffffffff', '8000000000000000', '7fffffffffffffff'];
    // Strings of up to 12 ASCII bytes are written inline, longer or non-ASCII ones by DuckDB.
    const services = ['auction', '', 'exactly12chr', 'thirteen-char', 'ünïcode', '12-byte-ü'];
    const rows = Array.from({ length: 5_000 }, (_, i) =>
      span({
        traceId: edgeTraceIds[i] ?? hex(16),
        spanId: edgeSpanIds[i] ?? hex(8),
        parentSpanId: i % 3 === 0 ? null : i === 1 ? 'ABCDEF0123456789' : hex(8),
        startUnixMicros: 1_763_769_600_000_000 + i * 1_001,
        durationMs: i / 7,
        service: services[i % services.length]!,
        statusMessage: i % 1_000 === 999 ? `failed ${i}` : i % 7 === 0 ? `e${i % 100}` : null,
        eventId: i % 5 === 0 ? null : `evt-chunk-${i}`,
        computeUsd: i * 1e-9,
        attributesJson: JSON.stringify({ i }),
        resourceId: i % 2 === 0 ? null : edgeSpanIds[i % 4]!,
      }),
    );
    // The bytes it answers (what the load span prices) are counted as for any other load.
    const bytes = bytesWritten(spansLoad, rows);
    expect(await wh.loadSpans(rows)).toEqual({ received: 5_000, inserted: 5_000, bytesWritten: bytes });
    const hex16 = (column: string) => `lpad(lower(hex(${column})), 16, '0')`;
    const stored = await wh.sql(
      `SELECT replace(trace_id::VARCHAR, '-', '') AS trace_id, ${hex16('span_id')} AS span_id,
         ${hex16('parent_span_id')} AS parent_span_id, epoch_us(start) AS us, duration_ms, service, status_message, event_id,
         compute_usd, (attributes->>'$.i')::INTEGER AS i, ${hex16('resource_id')} AS resource
       FROM spans ORDER BY i`,
    );
    expect(stored).toHaveLength(5_000);
    for (const [i, row] of rows.entries()) {
      expect({ ...stored[i], us: Number(stored[i]!.us) }).toEqual({
        trace_id: row.traceId,
        span_id: row.spanId,
        parent_span_id: row.parentSpanId?.toLowerCase() ?? null,
        us: row.startUnixMicros,
        duration_ms: row.durationMs,
        service: row.service,
        status_message: row.statusMessage,
        event_id: row.eventId,
        compute_usd: row.computeUsd,
        i,
        resource: row.resourceId ?? null,
      });
    }

    const malformed = [span({ traceId: hex(16) }), span({ traceId: hex(16), spanId: 'not-hex-at-all!!' })];
    await expect(wh.loadSpans(malformed)).rejects.toThrow(/not-hex-at-all/);
    expect(await wh.sql('SELECT count(*)::INTEGER AS n FROM spans')).toEqual([{ n: 5_000 }]);
    await wh.close();
  });
});
