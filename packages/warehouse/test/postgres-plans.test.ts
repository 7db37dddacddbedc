import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWarehouse, type Warehouse } from '../src/index.ts';
import { dropPostgresSchema } from '../src/testing.ts';
import { hex, span } from './fixtures.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const HOURS = 48;
const SPANS_PER_HOUR = 1_000;
const T0_US = 1_700_000_000_000_000;
const HOUR_US = 3_600_000_000;

/** What PostgreSQL's planner does with "the last hour" of spans, on a real server with real statistics. */
describe('PostgreSQL: "last hour" queries on spans avoid a sequential scan', () => {
  const schema = `test_whplan_${randomBytes(4).toString('hex')}`;
  let wh: Warehouse;
  let client: pg.Client;

  beforeAll(async () => {
    wh = await connectWarehouse({ kind: 'postgres', url: PG_URL, schema, poolSize: 2 });
    await wh.migrate();
    // Spans arrive in time order, as exporters send them: an hour per load.
    for (let h = 0; h < HOURS; h++) {
      const rows = Array.from({ length: SPANS_PER_HOUR }, (_, i) =>
        span({ traceId: hex(16), startUnixMicros: T0_US + h * HOUR_US + i * 3_000_000, eventId: `evt-${h}-${i}` }),
      );
      await wh.loadSpans(rows);
    }
    client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await client.connect();
    await client.query('ANALYZE spans');
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    await wh?.close();
    await dropPostgresSchema(PG_URL, schema);
  });

  const plan = async (sql: string, params: unknown[]) => {
    const { rows } = await client.query(`EXPLAIN ${sql}`, params);
    return rows.map((r) => String(r['QUERY PLAN'])).join('\n');
  };
  const lastHour = new Date((T0_US + (HOURS - 1) * HOUR_US) / 1000).toISOString();

  it('a count over the last hour reads the BRIN index, not the whole heap', async () => {
    const p = await plan('SELECT count(*), sum(cost_usd) FROM spans WHERE start >= $1', [lastHour]);
    expect(p).toContain('spans_start_brin');
    expect(p).not.toContain('Seq Scan');
    const { rows } = await client.query('SELECT count(*) AS n FROM spans WHERE start >= $1', [lastHour]);
    expect(Number(rows[0].n)).toBe(SPANS_PER_HOUR);
  });

  it('the cost report over the last hour too', async () => {
    const sinceMs = (T0_US + (HOURS - 1) * HOUR_US) / 1000;
    const report = await wh.stageStats({ sinceMs });
    expect(report.events).toBe(SPANS_PER_HOUR);
    const { stageReportSql } = await import('../src/stage-stats.ts');
    const { postgresDialect } = await import('../src/dialect.ts');
    const p = await plan(stageReportSql(postgresDialect, 'service').stages, [sinceMs * 1000]);
    expect(p).toContain('spans_start_brin');
    expect(p).not.toMatch(/Seq Scan on spans\b/);
  });
});
