import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { appendDirect } from '../src/duckdb/duckdb-chunk.ts';
import type { AttributedEventRow, AuctionOutcomeRow, ImpressionRow } from '../src/index.ts';
import { DuckDbWarehouse } from '../src/index.ts';
import { TABLE_LOADS } from '../src/table-loads.ts';
import type { TableLoad } from '../src/tables.ts';

// The loader's busiest tables go straight in as data chunks (duckdb-chunk.ts), like spans; a key
// already there sends the load down the staged INSERT … ON CONFLICT. Both must store the same rows.
const N = 2_500; // two data chunks
const T0 = 1_764_000_000_123;
// Strings DuckDB keeps inline (≤ 12 ASCII bytes), longer ones, non-ASCII, empty.
const text = (i: number) => ['', 'cpm', 'twelve-bytes', 'thirteen-byte', `long value ${i} `.repeat(3), 'é-ü'][i % 6]!;
const orNull = <T>(i: number, v: T): T | null => (i % 5 === 0 ? null : v);

const impression = (i: number): ImpressionRow => ({
  impressionId: `evt-${i}:1`,
  eventId: `evt-${i}`,
  requestId: text(i + 1),
  impId: String(i % 3),
  userKey: orNull(i, `uk-${i}`),
  campaignId: text(i + 2),
  adId: text(i + 3),
  creativeId: text(i + 4),
  bidType: i % 2 ? 'cpm' : 'cpc',
  priceMicros: 2 ** 40 + i,
  clickPriceMicros: -i,
  pctr: i / 7,
  modelVersion: orNull(i + 1, text(i)),
  eventTimeMs: T0 + i,
  traceId: orNull(i + 2, i.toString(16).padStart(32, '0')),
});

const outcome = (i: number): AuctionOutcomeRow => ({
  eventId: `evt-${i}`,
  requestId: text(i),
  impId: String(i % 4),
  userKey: orNull(i, `uk-${i}`),
  outcome: i % 3 ? 'win' : 'no_fill',
  campaignId: orNull(i + 1, text(i + 1)),
  adId: orNull(i + 2, text(i + 2)),
  creativeId: orNull(i + 3, text(i + 3)),
  bidType: orNull(i + 4, 'cpm'),
  bidMicros: orNull(i, 1_000 + i),
  pctr: orNull(i + 1, i / 9),
  clearingPriceCpmMicros: orNull(i + 2, 3 * i),
  floorCpmMicros: orNull(i + 3, 2 ** 33 + i),
  candidates: orNull(i + 4, i % 50),
  noFillReason: orNull(i, text(i + 5)),
  noFillCode: orNull(i + 1, 101 + (i % 3)),
  noFillDetail: orNull(i + 2, text(i + 4)),
  modelVersion: orNull(i + 3, 'ctr-v3'),
  decidedAtMs: T0 - i * 1_000,
  traceId: orNull(i + 4, i.toString(16).padStart(32, 'f')),
});

const attributed = (i: number): AttributedEventRow => ({
  eventId: `attr-${i}`,
  kind: ['impression', 'click', 'conversion'][i % 3]!,
  originalEventId: `evt-${i}`,
  campaignId: text(i),
  adId: text(i + 1),
  touch: ['none', 'click', 'view'][i % 3]!,
  costMicros: i * 11,
  valueMicros: 2 ** 50 + i,
  pctr: i / 13,
  eventTimeMs: T0 + i,
  attributedAtMs: T0 + 2 * i,
  traceId: orNull(i, i.toString(16).padStart(32, '0')),
  impressionId: orNull(i + 1, `evt-${i}:1`),
  touchEventId: orNull(i + 2, text(i + 3)),
  touchTimeMs: orNull(i + 3, T0 - i),
  originalCurrency: i % 2 ? 'USD' : 'EUR',
  originalValueMicros: i * 7,
  modelVersion: orNull(i + 4, text(i + 2)),
});

const TABLES = [
  { table: 'impressions', key: 'impression_id', rows: Array.from({ length: N }, (_, i) => impression(i)) },
  { table: 'auction_outcomes', key: 'event_id, imp_id', rows: Array.from({ length: N }, (_, i) => outcome(i)) },
  { table: 'attributed_events', key: 'event_id', rows: Array.from({ length: N }, (_, i) => attributed(i)) },
] as const;

function load(wh: DuckDbWarehouse, table: string, rows: readonly unknown[]) {
  if (table === 'impressions') return wh.loadImpressions(rows as ImpressionRow[]);
  if (table === 'auction_outcomes') return wh.loadAuctionOutcomes(rows as AuctionOutcomeRow[]);
  return wh.loadAttributedEvents(rows as AttributedEventRow[]);
}

describe("DuckDB: the loader's busiest tables appended straight in", () => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-direct-topics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('impressions, auction outcomes and attributed events load direct, as spans do', () => {
    const direct = TABLE_LOADS.filter((l) => l.direct).map((l) => l.table);
    expect(direct.sort()).toEqual(['attributed_events', 'auction_outcomes', 'impressions', 'spans']);
  });

  it.each(TABLES)(
    '$table: appended direct, it stores what the staged insert stores; loaded_at the load time',
    async ({ table, key, rows }) => {
      const spec = TABLE_LOADS.find((l) => l.table === table) as TableLoad<unknown>;
      // The direct path on its own (the warehouse would fall back to the staged insert on any error).
      const directPath = join(dir, `${table}-direct.duckdb`);
      const migrated = await DuckDbWarehouse.open(directPath);
      await migrated.migrate();
      await migrated.close();
      const instance = await DuckDBInstance.create(directPath);
      const conn = await instance.connect();
      const appender = await conn.createAppender(table);
      const before = Date.now();
      appendDirect(appender, spec, rows);
      const after = Date.now();
      appender.closeSync();
      conn.closeSync();
      instance.closeSync();
      // The staged way: one row already there sends the whole load to INSERT … ON CONFLICT DO NOTHING.
      const staged = await DuckDbWarehouse.open(join(dir, `${table}-staged.duckdb`));
      await staged.migrate();
      await load(staged, table, rows.slice(7, 8));
      expect(await load(staged, table, rows)).toMatchObject({ received: N, inserted: N - 1 });

      const direct = await DuckDbWarehouse.open(directPath);
      const all = `SELECT * EXCLUDE (loaded_at) FROM ${table} ORDER BY ${key}`;
      const got = await direct.sql(all);
      expect(got).toHaveLength(N);
      expect(got).toEqual(await staged.sql(all));
      const [times] = await direct.sql(
        `SELECT min(epoch_ms(loaded_at)) AS lo, max(epoch_ms(loaded_at)) AS hi FROM ${table}`,
      );
      expect(Number(times!.lo)).toBeGreaterThanOrEqual(before);
      expect(Number(times!.hi)).toBeLessThanOrEqual(after);
      await direct.close();
      await staged.close();
    },
  );
});
