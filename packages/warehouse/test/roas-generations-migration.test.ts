// Migrations 30 and 34 on a warehouse that already holds ROAS windows in the old one-row-per-window table:
// its rows become their generation's, the highest generation among them stays current, and loads
// go on under the generation rules. Real DuckDB and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Dialect, duckdbDialect, postgresDialect } from '../src/dialect.ts';
import { connectWarehouse, migrations, type RoasWindowRow, type WarehouseConfig } from '../src/index.ts';
import { schemaMigrationsTable } from '../src/migrations.ts';
import { dropPostgresSchema } from '../src/testing.ts';
import { hex } from './fixtures.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const t0 = 1_763_769_600_000;

/** The statements of migrations before 30, then two windows as the old table held them. */
function before30(d: Dialect): string[] {
  const ts = (ms: number) => d.timestampFromMicros(String(ms * 1000));
  const row = (campaign: string, minute: number, generation: number, revision: number, impressions: number) =>
    `INSERT INTO roas_windows (campaign_id, window_start, window_end, impressions, clicks, conversions, spend_micros,
      revenue_micros, roas, revision, complete, complete_through, emitted_at, generation)
     VALUES ('${campaign}', ${ts(t0 + minute * 60_000)}, ${ts(t0 + (minute + 1) * 60_000)}, ${impressions}, 1, 0,
      1000, 0, 0, ${revision}, true, ${ts(t0 + 600_000)}, ${ts(t0 + 601_000)}, ${generation})`;
  return [
    schemaMigrationsTable(d),
    ...migrations
      .filter((m) => m.version < 30)
      .flatMap((m) => [m.sql(d), `INSERT INTO schema_migrations (version, name) VALUES (${m.version}, 'old')`]),
    row('old-a', 0, 1, 0, 11),
    row('old-b', 0, 1, 2, 12),
  ];
}

const window = (over: Partial<RoasWindowRow>): RoasWindowRow => ({
  campaignId: 'old-a',
  windowStartMs: t0,
  windowEndMs: t0 + 60_000,
  impressions: 1,
  clicks: 0,
  conversions: 0,
  spendMicros: 0,
  revenueMicros: 0,
  roas: null,
  observedCtr: null,
  predictedCtr: null,
  revision: 0,
  complete: false,
  completeThroughMs: t0 + 60_000,
  emittedAtMs: t0 + 61_000,
  generation: 0,
  lateDropped: 0,
  clickThroughConversions: 0,
  viewThroughConversions: 0,
  clickThroughRevenueMicros: 0,
  viewThroughRevenueMicros: 0,
  ...over,
});

const backends = [
  {
    name: 'duckdb',
    async prepare(): Promise<{ config: WarehouseConfig; cleanup: () => Promise<void> }> {
      const dir = mkdtempSync(join(tmpdir(), 'adtrace-wh-m30-'));
      const path = join(dir, 'warehouse.duckdb');
      const instance = await DuckDBInstance.create(path);
      const conn = await instance.connect();
      for (const sql of before30(duckdbDialect)) await conn.run(sql);
      conn.closeSync();
      instance.closeSync();
      return { config: { kind: 'duckdb', path }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async prepare(): Promise<{ config: WarehouseConfig; cleanup: () => Promise<void> }> {
      const schema = `test_wh_m30_${hex(4)}`;
      const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      for (const sql of before30(postgresDialect)) await client.query(sql);
      await client.end();
      return {
        config: { kind: 'postgres', url: PG_URL, schema, poolSize: 2 },
        cleanup: () => dropPostgresSchema(PG_URL, schema),
      };
    },
  },
];

describe.each(backends)('migration 30 on $name with windows loaded before it', ({ prepare }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('keeps the old rows as their generation, the highest current; loads then follow the generation rules', async () => {
    const { config, cleanup } = await prepare();
    cleanups.push(cleanup);
    const wh = await connectWarehouse(config);
    try {
      expect(await wh.migrate()).toEqual(migrations.filter((m) => m.version >= 30).map((m) => m.version));
      const shown = async () =>
        (await wh.roasWindows()).map((r) => [r.campaignId, r.generation, r.revision, r.impressions]);
      expect(await shown()).toEqual([
        ['old-a', 1, 0, 11],
        ['old-b', 1, 2, 12],
      ]);
      expect((await wh.roasGenerations()).map((g) => [g.generation, g.current, g.campaigns])).toEqual([[1, true, 2]]);
      // Generation 0 goes on: kept, not shown. Generation 1 restates: shown.
      await wh.loadRoasWindows([
        window({ impressions: 5 }),
        window({ campaignId: 'old-b', generation: 1, revision: 3 }),
      ]);
      expect(await shown()).toEqual([
        ['old-a', 1, 0, 11],
        ['old-b', 1, 3, 1],
      ]);
      expect((await wh.roasWindows({ generation: 0 })).map((r) => r.impressions)).toEqual([5]);
      // Migration 34 filled each campaign's latest window and latest final window from the rows
      // before it: a rebuild that makes the same windows final, though its completeThroughMs
      // falls short of theirs (closed on another idle tick), takes over.
      await wh.loadRoasWindows([
        window({ generation: 2, complete: true, completeThroughMs: t0 + 60_500 }),
        window({ campaignId: 'old-b', generation: 2, complete: true, completeThroughMs: t0 + 60_500 }),
      ]);
      expect((await wh.roasGenerations()).map((g) => [g.generation, g.current])).toEqual([
        [0, false],
        [1, false],
        [2, true],
      ]);
    } finally {
      await wh.close();
    }
  });
});
