// Migration 33 on a warehouse that already holds dead letters keyed by place alone: they are kept,
// each with the time the loader would give it, so reading them again adds nothing, while a letter
// of a recreated topic at an old place is loaded beside the old one. Real DuckDB and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type Dialect, duckdbDialect, postgresDialect } from '../src/dialect.ts';
import { connectWarehouse, type DeadLetterRow, migrations, type WarehouseConfig } from '../src/index.ts';
import { schemaMigrationsTable } from '../src/migrations.ts';
import { dropPostgresSchema } from '../src/testing.ts';
import { hex } from './fixtures.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const t0 = 1_763_769_600_000;

const letter = (table: string, offset: number, deadLetteredAtMs: number | null): DeadLetterRow => ({
  dlqPartition: 1,
  dlqOffset: String(offset),
  originalTopic: 'adtrace.bid-requests.raw',
  originalPartition: 0,
  originalOffset: '5',
  originalTimestampMs: t0,
  deadLetteredAtMs,
  reason: `${table} ${offset}`,
  code: 'REQUIRED',
  errorClass: 'ValidationError',
  stage: 'ingest',
  eventId: null,
  traceparent: null,
  key: null,
  value: null,
  headersJson: '{}',
});

/** The statements of migrations before 33, then letters as the old tables held them (one without a time). */
function before33(d: Dialect): string[] {
  const insert = (table: string, r: DeadLetterRow) =>
    `INSERT INTO ${table} (dlq_partition, dlq_offset, original_topic, dead_lettered_at, reason, headers)
     VALUES (${r.dlqPartition}, ${r.dlqOffset}, '${r.originalTopic}',
      ${r.deadLetteredAtMs === null ? 'NULL' : d.timestampFromMicros(String(r.deadLetteredAtMs * 1000))},
      '${r.reason}', '{}')`;
  return [
    schemaMigrationsTable(d),
    ...migrations
      .filter((m) => m.version < 33)
      .flatMap((m) => [m.sql(d), `INSERT INTO schema_migrations (version, name) VALUES (${m.version}, 'old')`]),
    ...['dead_letters', 'raw_dead_letters'].flatMap((table) => [
      insert(table, letter(table, 0, t0)),
      insert(table, letter(table, 1, null)),
    ]),
  ];
}

const backends = [
  {
    name: 'duckdb',
    async prepare(): Promise<{ config: WarehouseConfig; cleanup: () => Promise<void> }> {
      const dir = mkdtempSync(join(tmpdir(), 'adtrace-wh-m33-'));
      const path = join(dir, 'warehouse.duckdb');
      const instance = await DuckDBInstance.create(path);
      const conn = await instance.connect();
      for (const sql of before33(duckdbDialect)) await conn.run(sql);
      conn.closeSync();
      instance.closeSync();
      return { config: { kind: 'duckdb', path }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async prepare(): Promise<{ config: WarehouseConfig; cleanup: () => Promise<void> }> {
      const schema = `test_wh_m33_${hex(4)}`;
      const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      for (const sql of before33(postgresDialect)) await client.query(sql);
      await client.end();
      return {
        config: { kind: 'postgres', url: PG_URL, schema, poolSize: 2 },
        cleanup: () => dropPostgresSchema(PG_URL, schema),
      };
    },
  },
];

describe.each(backends)('migration 33 on $name with dead letters loaded before it', ({ prepare }) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('keeps the old letters; read again they add nothing, a new letter at an old place is loaded', async () => {
    const { config, cleanup } = await prepare();
    cleanups.push(cleanup);
    const wh = await connectWarehouse(config);
    try {
      expect(await wh.migrate()).toEqual(migrations.filter((m) => m.version >= 33).map((m) => m.version));
      const loads = { dead_letters: wh.loadDeadLetters.bind(wh), raw_dead_letters: wh.loadRawDeadLetters.bind(wh) };
      for (const [table, load] of Object.entries(loads)) {
        const old = [letter(table, 0, t0), letter(table, 1, null)];
        expect((await load(old)).inserted, table).toBe(0);
        expect((await load([letter(table, 0, t0 + 3_600_000)])).inserted, table).toBe(1);
      }
      const listed = await wh.deadLetters({ limit: 10 });
      expect(listed.map((r) => [r.raw === true, r.dlqOffset, r.deadLetteredAtMs])).toEqual([
        [false, '0', t0 + 3_600_000],
        [true, '0', t0 + 3_600_000],
        [false, '0', t0],
        [true, '0', t0],
        [false, '1', null],
        [true, '1', null],
      ]);
    } finally {
      await wh.close();
    }
  });
});
