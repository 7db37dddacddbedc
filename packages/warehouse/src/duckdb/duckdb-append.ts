import { type DuckDBAppender, DuckDBTimestampValue } from '@duckdb/node-api';
import type { DirectType, StageType, StageValue, TableLoad } from '../tables.ts';

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

// Into the table's own types. The appender casts text to the column's type as CAST would:
// 32 hex digits to a UUID, '0x' + 16 hex digits to a UBIGINT (what newRowsSql's SELECT does).
const directAppenders: Record<DirectType, Append> = {
  ...appenders,
  uuid_hex: appenders.text,
  ubigint_hex: (a, v) => a.appendVarchar(`0x${v}`),
  timestamp_us: (a, v) =>
    a.appendTimestamp(new DuckDBTimestampValue(BigInt(typeof v === 'number' ? Math.trunc(v) : (v as string)))),
};

/**
 * Appends rows to the staging table through DuckDB's appender (columnar, no SQL per row).
 * The appender writes inside the connection's open transaction, so a rollback takes it back.
 */
export function appendRows<Row>(appender: DuckDBAppender, spec: TableLoad<Row>, rows: readonly Row[]): void {
  append(
    appender,
    spec,
    rows,
    spec.columns.map(([, type]) => appenders[type]),
  );
}

/** Appends rows straight into the table, as `spec.direct` says (an appender on the table itself). */
export function appendDirect<Row>(appender: DuckDBAppender, spec: TableLoad<Row>, rows: readonly Row[]): void {
  if (!spec.direct) throw new Error(`${spec.table}: no direct columns`);
  append(
    appender,
    spec,
    rows,
    spec.direct.map(([, type]) => directAppenders[type]),
  );
}

function append<Row>(
  appender: DuckDBAppender,
  spec: TableLoad<Row>,
  rows: readonly Row[],
  fns: readonly Append[],
): void {
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
