import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { type Dialect, duckdbDialect } from '../dialect.ts';
import { migrations, schemaMigrationsTable } from '../migrations.ts';
import type { SqlRunner } from '../queries.ts';
import { TABLE_LOADS, TableLoads } from '../table-loads.ts';
import { bytesWritten, type TableLoad } from '../tables.ts';
import type { LoadResult, Warehouse, WarehouseOptions } from '../warehouse.ts';
import { WriteQueue } from '../write-queue.ts';
import { appendRows, createStageSql } from './duckdb-append.ts';
import { appendDirect } from './duckdb-chunk.ts';
import { LoadGroups, type QueuedLoad } from './load-groups.ts';

/** Group commits so far (`LoadResult.group.id`). */
let groups = 0;

/**
 * The embedded warehouse. One writer connection, loads queued one at a time; reads get a
 * connection each, so a report never waits behind a load (DuckDB's MVCC isolates them).
 */
export class DuckDbWarehouse extends TableLoads implements Warehouse {
  readonly dialect = 'duckdb' as const;
  readonly #instance: DuckDBInstance;
  readonly #writer: DuckDBConnection;
  readonly #writes = new WriteQueue();
  /** Loads queued while the writer is busy run together (load-groups.ts). */
  readonly #loads: LoadGroups;
  /**
   * The loads' statements, prepared once on the writer: parsing and planning the INSERT … SELECT
   * … ON CONFLICT took about half of its CPU on a chunk of a hundred rows (DuckDB 1.5: ~2.6 ms
   * → ~1.4 ms a statement), and the loader runs one per chunk of every partition.
   */
  readonly #prepared = new Map<string, Promise<DuckDBPreparedStatement>>();
  #closed = false;

  private constructor(
    instance: DuckDBInstance,
    writer: DuckDBConnection,
    runner: SqlRunner,
    options: WarehouseOptions,
    commitIntervalMs: number | undefined,
  ) {
    super(runner, options.onQuery);
    this.#instance = instance;
    this.#writer = writer;
    this.#loads = new LoadGroups(
      this.#writes,
      {
        one: (load) => this.#loadAlone(load),
        allNew: (loads) => this.#inTransaction(() => this.#insertAllNew(loads)),
      },
      { commitIntervalMs },
    );
  }

  /**
   * `threads`: DuckDB's worker threads; `commitIntervalMs`: the least time between two group
   * commits (load-groups.ts). Both from WarehouseConfig; undefined leaves DuckDB's default and 0.
   */
  static async open(
    path: string,
    options: WarehouseOptions = {},
    { threads, commitIntervalMs }: { threads?: number; commitIntervalMs?: number } = {},
  ): Promise<DuckDbWarehouse> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // DuckDB checkpoints when its WAL passes 16 MB by default: under a steady span load that is
    // a full checkpoint (column data and the primary key index) every few loads, the largest
    // cost of loading. A larger threshold batches that work; restart replays at most this much.
    const instance = await DuckDBInstance.create(path, {
      checkpoint_threshold: '256MB',
      ...(threads !== undefined && { threads: String(threads) }),
    });
    const writer = await instance.connect();
    // Staging tables are per connection (TEMP) and hold rows only inside one load.
    for (const spec of TABLE_LOADS) await writer.run(createStageSql(spec));
    const runner: SqlRunner = {
      dialect: duckdbDialect,
      async all(sql, params = []) {
        const conn = await instance.connect();
        try {
          const reader = await conn.runAndReadAll(sql, params as never[]);
          return reader.getRowObjectsJS() as Record<string, unknown>[];
        } finally {
          conn.closeSync();
        }
      },
      async tableRows(table) {
        const rows = await runner.all(
          `SELECT estimated_size AS n FROM duckdb_tables() WHERE table_name = $1 AND schema_name = 'main'`,
          [table],
        );
        return Number(rows[0]?.n ?? 0);
      },
    };
    return new DuckDbWarehouse(instance, writer, runner, options, commitIntervalMs);
  }

  migrate(): Promise<number[]> {
    return this.#writes.run(async () => {
      await this.#writer.run(schemaMigrationsTable(duckdbDialect));
      const done = (await this.#writer.runAndReadAll('SELECT version FROM schema_migrations')).getRowObjectsJS();
      const applied = new Set(done.map((r) => Number(r.version)));
      const now: number[] = [];
      for (const m of migrations) {
        if (applied.has(m.version)) continue;
        await this.#inTransaction(async () => {
          await this.#writer.run(m.sql(duckdbDialect));
          await this.#writer.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        });
        now.push(m.version);
      }
      await this.#checkDirectColumns();
      return now;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#loads.flush();
    await this.#writes.drain();
    for (const statement of this.#prepared.values()) (await statement.catch(() => undefined))?.destroySync();
    this.#writer.closeSync();
    this.#instance.closeSync();
  }

  /** On the writer, in the queue of loads: a delete never runs beside a load's transaction. */
  protected write(sql: (d: Dialect) => string, params: readonly unknown[]): Promise<number> {
    if (this.#closed) return Promise.reject(new Error('warehouse is closed'));
    return this.#writes.run(async () => {
      const result = await this.#writer.run(sql(duckdbDialect), params as never[]);
      return Number(result.rowsChanged);
    });
  }

  /** Queued on the writer; run alone or with the loads queued beside it (load-groups.ts). */
  protected loadTable<Row>(spec: TableLoad<Row>, rows: readonly Row[]): Promise<LoadResult> {
    if (this.#closed) return Promise.reject(new Error('warehouse is closed'));
    if (rows.length === 0) return Promise.resolve({ received: 0, inserted: 0, bytesWritten: 0 });
    return this.#loads.load({ spec: spec as TableLoad<unknown>, rows });
  }

  /**
   * One load: staging table → one INSERT … SELECT, in one transaction: all of `rows` or none.
   *
   * A table whose conflict rule is DO NOTHING is first loaded with the plain INSERT
   * (`newRowsSql`): nearly every load is all new rows, and DuckDB 1.5 runs ON CONFLICT as a
   * MERGE that cost 2–3× the plain insert's CPU — a few ms per statement before a row, each
   * loader chunk and span group paying it (packages/warehouse/README.md, "Loading"). A key
   * already there (a redelivered chunk, a retried export) or twice in the load fails that
   * transaction, which rolls back whole; the load then runs as before, with `insertSql`, whose
   * result or error is the load's.
   */
  async #loadAlone({ spec, rows }: QueuedLoad): Promise<LoadResult> {
    if (spec.newRowsSql) {
      try {
        return await this.#inTransaction(() => this.#insertNew(spec, rows));
      } catch {}
    }
    return this.#inTransaction(() => this.#stageAndInsert(spec, rows, spec.insertSql(duckdbDialect)));
  }

  /** Several loads of new rows (newRowsSql), one insert per table; throws if any key is already there. */
  async #insertAllNew(loads: readonly QueuedLoad[]): Promise<LoadResult[]> {
    const byTable = new Map<TableLoad<unknown>, unknown[]>();
    for (const { spec, rows } of loads) {
      const all = byTable.get(spec) ?? [];
      byTable.set(spec, all);
      for (const row of rows) all.push(row);
    }
    for (const [spec, rows] of byTable) {
      const { inserted } = await this.#insertNew(spec, rows);
      // A plain INSERT writes every row or fails; anything else, and the loads run alone.
      if (inserted !== rows.length) throw new Error(`${spec.table}: ${inserted} of ${rows.length} rows inserted`);
    }
    const bytes = loads.map(({ spec, rows }) => bytesWritten(spec, rows));
    const total = bytes.reduce((n, b) => n + b, 0);
    const id = ++groups;
    return loads.map(({ rows }, i) => ({
      received: rows.length,
      inserted: rows.length,
      bytesWritten: bytes[i]!,
      group: { id, share: total > 0 ? bytes[i]! / total : 1 / loads.length },
    }));
  }

  /**
   * Rows expected to be new, into a DO NOTHING table: straight into it with an appender where the
   * table says how (`direct`: no staging table, no DELETE, no INSERT … SELECT — a third less CPU
   * per span row), else staged and moved by `newRowsSql`. Either fails on a key already there.
   */
  async #insertNew<Row>(spec: TableLoad<Row>, rows: readonly Row[]): Promise<LoadResult> {
    if (!spec.direct) return this.#stageAndInsert(spec, rows, spec.newRowsSql!(duckdbDialect));
    const appender = await this.#writer.createAppender(spec.table);
    let bytes: number;
    try {
      bytes = appendDirect(appender, spec, rows);
    } finally {
      appender.closeSync();
    }
    for (const sql of spec.afterInsertSql?.(duckdbDialect) ?? []) await this.#writer.run(sql);
    return { received: rows.length, inserted: rows.length, bytesWritten: bytes };
  }

  /** A direct load appends by position: its columns must be the table's, in the table's order. */
  async #checkDirectColumns(): Promise<void> {
    for (const spec of TABLE_LOADS) {
      if (!spec.direct) continue;
      const reader = await this.#writer.runAndReadAll(
        `SELECT column_name FROM duckdb_columns() WHERE table_name = $1 AND schema_name = 'main' ORDER BY column_index`,
        [spec.table],
      );
      const actual = reader.getRows().map(([name]) => String(name));
      const expected = spec.direct.map(([name]) => name);
      if (actual.join() !== expected.join()) {
        throw new Error(
          `warehouse table ${spec.table}: columns (${actual.join(', ')}) are not the loader's (${expected.join(', ')})`,
        );
      }
    }
  }

  async #stageAndInsert<Row>(spec: TableLoad<Row>, rows: readonly Row[], insertSql: string): Promise<LoadResult> {
    await (await this.#statement(`DELETE FROM temp.${spec.stage}`)).run();
    const appender = await this.#writer.createAppender(spec.stage, 'main', 'temp');
    try {
      appendRows(appender, spec, rows);
    } finally {
      appender.closeSync();
    }
    const result = await (await this.#statement(insertSql)).run();
    for (const sql of spec.afterInsertSql?.(duckdbDialect) ?? []) await this.#writer.run(sql);
    return { received: rows.length, inserted: result.rowsChanged, bytesWritten: bytesWritten(spec, rows) };
  }

  /** The writer's prepared statement for `sql`, prepared at its first use. */
  #statement(sql: string): Promise<DuckDBPreparedStatement> {
    let statement = this.#prepared.get(sql);
    if (!statement) {
      statement = this.#writer.prepare(sql);
      this.#prepared.set(sql, statement);
      // A statement that failed to prepare is prepared again next time (its error goes to the load).
      statement.catch(() => this.#prepared.delete(sql));
    }
    return statement;
  }

  async #inTransaction<T>(work: () => Promise<T>): Promise<T> {
    await this.#writer.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await this.#writer.run('COMMIT');
      return result;
    } catch (err) {
      await this.#writer.run('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}
