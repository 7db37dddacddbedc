// Rows straight into `impressions` for tests of what reads it (segment members), until the
// table has its load. DuckDB takes one writer per file: the caller closes its warehouse first.
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { duckdbDialect, postgresDialect } from '../src/dialect.ts';
import type { WarehouseConfig } from '../src/index.ts';

export interface TestImpression {
  readonly impressionId: string;
  readonly userKey: string | null;
  readonly campaignId: string;
  readonly eventTimeMs: number;
}

export async function insertImpressions(config: WarehouseConfig, rows: readonly TestImpression[]): Promise<void> {
  const d = config.kind === 'duckdb' ? duckdbDialect : postgresDialect;
  const quote = (s: string | null) => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
  const values = rows.map(
    (r) =>
      `(${quote(r.impressionId)}, ${quote(`evt-${r.impressionId}`)}, 'req', '1', ${quote(r.userKey)}, ${quote(r.campaignId)},
        ${quote(`${r.campaignId}-ad`)}, 'cr', 'CPM', 1000, 0, 0.01, NULL, ${d.timestampFromMicros(String(r.eventTimeMs * 1000))}, NULL)`,
  );
  const sql = `INSERT INTO impressions (impression_id, event_id, request_id, imp_id, user_key, campaign_id, ad_id,
    creative_id, bid_type, price_micros, click_price_micros, pctr, model_version, event_time, trace_id)
    VALUES ${values.join(',\n')}`;
  if (config.kind === 'duckdb') {
    const db = await DuckDBInstance.create(config.path);
    const conn = await db.connect();
    try {
      await conn.run(sql);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    await client.query(`SET search_path TO ${config.schema}`);
    await client.query(sql);
    await client.query('ANALYZE impressions');
  } finally {
    await client.end();
  }
}
