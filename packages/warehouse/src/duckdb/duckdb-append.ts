import type { DuckDBAppender } from '@duckdb/node-api';
import type { StageType, StageValue, TableLoad } from '../tables.ts';

export const DUCKDB_STAGE_TYPES: Record<StageType, string> = {
  text: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  bytes: 'BLOB',
};

export function createStageSql(spec: TableLoad<unknown>): string {
  const cols = spec.columns.map(([name, type]) => `${name} ${DUCKDB_STAGE_TYPES[type]}`).join(', ');
  return `CREATE TEMP TABLE IF NOT EXISTS ${spec.stage} (${cols})`;
}

type Append = (a: DuckDBAppender, v: StageValue) => void;

const appenders: Record<StageType, Append> = {
  text: (a, v) => a.appendVarchar(String(v)),
  bigint: (a, v) => a.appendBigInt(BigInt(typeof v === 'number' ? Math.trunc(v) : (v as string))),
  int: (a, v) => a.appendInteger(Number(v)),
  double: (a, v) => a.appendDouble(Number(v)),
  bool: (a, v) => a.appendBoolean(Boolean(v)),
  bytes: (a, v) => a.appendBlob(v as Buffer),
};

/**
 * Appends rows to the staging table through DuckDB's appender (columnar, no SQL per row).
 * The appender writes inside the connection's open transaction, so a rollback takes it back.
 */
export function appendRows<Row>(appender: DuckDBAppender, spec: TableLoad<Row>, rows: readonly Row[]): void {
  const fns = spec.columns.map(([, type]) => appenders[type]);
  const n = fns.length;
  try {
    for (const row of rows) {
      const values = spec.values(row);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) appender.appendNull();
        else fns[i]!(appender, v);
      }
      appender.endRow();
    }
    appender.flushSync();
  } catch (err) {
    // A failed flush (a key already there) keeps its rows in the appender, and DuckDB flushes
    // them again when the appender is closed or destroyed. The destroy comes from the garbage
    // collector, at any later moment: into whatever transaction the writer has open then, which
    // the repeated key aborts (CI saw a redelivered span load fail with "Current transaction is
    // aborted"). Dropped here, the rows go nowhere.
    appender.clear();
    throw err;
  }
}
