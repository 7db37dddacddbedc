import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type Dialect, postgresDialect } from '../dialect.ts';
import { migrations, schemaMigrationsTable } from '../migrations.ts';
import type { SqlRunner } from '../queries.ts';
import { scanBytes } from '../scan-estimate.ts';
import { TableLoads } from '../table-loads.ts';
import { bytesWritten, type TableLoad } from '../tables.ts';
import type { LoadResult, Warehouse, WarehouseOptions } from '../warehouse.ts';
import { copyText, createStageSql } from './copy-text.ts';

/**
 * The server warehouse. Every load: COPY FROM STDIN into a session temp table, then one
 * INSERT … SELECT … ON CONFLICT into the real table, in one transaction. Tables live in their
 * own schema (WAREHOUSE_PG_SCHEMA), set as each connection's search_path.
 */
export class PostgresWarehouse extends TableLoads implements Warehouse {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  #closed = false;

  private constructor(pool: pg.Pool, schema: string, runner: SqlRunner, options: WarehouseOptions) {
    super(runner, options.onQuery);
    this.#pool = pool;
    this.#schema = schema;
  }

  static async open(
    url: string,
    schema: string,
    poolSize: number,
    options: WarehouseOptions = {},
  ): Promise<PostgresWarehouse> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path=${schema}` });
    // An idle client's error (server restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    const runner: SqlRunner = {
      dialect: postgresDialect,
      async all(sql, params = []) {
        return (await pool.query(sql, params as unknown[])).rows as Record<string, unknown>[];
      },
      async tableRows(table) {
        const { rows } = await pool.query(
          `SELECT greatest(coalesce(s.n_live_tup, 0), c.reltuples)::bigint AS n, pg_relation_size(c.oid) AS bytes
           FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = to_regclass($1)`,
          [`${schema}.${table}`],
        );
        const n = Number(rows[0]?.n ?? 0);
        // Statistics lag the last second of writes (and reltuples waits for ANALYZE): fall back
        // to the heap size over the modelled row width, so a fresh table is not "free" to scan.
        return n > 0 ? n : Math.round(Number(rows[0]?.bytes ?? 0) / Math.max(1, scanBytes(table, 1, 'all')));
      },
    };
    await pool.query('SELECT 1');
    return new PostgresWarehouse(pool, schema, runner, options);
  }

  async migrate(): Promise<number[]> {
    const client = await this.#pool.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query('BEGIN');
      // Two services starting at once: one migrates, the other waits and finds nothing to do.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('adtrace.migrate.' || $1))`, [this.#schema]);
      await client.query(schemaMigrationsTable(postgresDialect));
      const applied = new Set(
        (await client.query('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)),
      );
      const now: number[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await client.query(m.sql(postgresDialect));
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        now.push(m.version);
      }
      await client.query('COMMIT');
      return now;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  protected async write(sql: (d: Dialect) => string, params: readonly unknown[]): Promise<number> {
    if (this.#closed) throw new Error('warehouse is closed');
    const result = await this.#pool.query(sql(postgresDialect), params as unknown[]);
    return result.rowCount ?? 0;
  }

  protected async loadTable<Row>(spec: TableLoad<Row>, rows: readonly Row[]): Promise<LoadResult> {
    if (this.#closed) throw new Error('warehouse is closed');
    if (rows.length === 0) return { received: 0, inserted: 0, bytesWritten: 0 };
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(createStageSql(spec));
      await pipeline(Readable.from(copyText(spec, rows)), client.query(copyFrom(`COPY ${spec.stage} FROM STDIN`)));
      const result = await client.query(spec.insertSql(postgresDialect));
      for (const sql of spec.afterInsertSql?.(postgresDialect) ?? []) await client.query(sql);
      await client.query('COMMIT');
      return { received: rows.length, inserted: result.rowCount ?? 0, bytesWritten: bytesWritten(spec, rows) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
}
