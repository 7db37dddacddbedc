import type { Dialect } from './dialect.ts';
import type { SpanResourceRow, SpanRow } from './rows.ts';

/** The type of a staging column: how an adapter appends (DuckDB) or encodes (COPY) a value. */
export type StageType = 'text' | 'bigint' | 'int' | 'double' | 'bool' | 'bytes';
export type StageValue = string | number | boolean | Buffer | null;

/**
 * How a staged value is appended straight into its table's column (DuckDB, `direct`): as the
 * staging type, or converted — hex text to a UUID (`uuid_hex`) or to an unsigned 64-bit integer
 * (`ubigint_hex`), micro- or milliseconds since the epoch to a TIMESTAMP (`timestamp_us`,
 * `timestamp_ms`). `load_time` is no staged value: the time of the load, for a trailing
 * `loaded_at` column that the staged INSERT leaves to its DEFAULT current_timestamp (the
 * appender cannot leave a column to its default).
 */
export type DirectType = StageType | 'uuid_hex' | 'ubigint_hex' | 'timestamp_us' | 'timestamp_ms' | 'load_time';

/**
 * How one table is bulk loaded: rows go (appender / COPY) into a session-local staging table
 * of plain types, then one INSERT … SELECT moves them in, converting ids and times and letting
 * the primary key drop what is already there. Bulk speed and idempotence in one statement.
 */
export interface TableLoad<Row> {
  readonly table: string;
  readonly stage: string;
  readonly columns: readonly (readonly [name: string, type: StageType])[];
  values(row: Row): StageValue[];
  /** The INSERT … SELECT from the staging table, with the table's conflict rule (ON CONFLICT …). */
  insertSql(d: Dialect): string;
  /**
   * Tables whose conflict rule is DO NOTHING (`skipExisting`): the same INSERT without it, for a
   * load whose keys are all new. A key already there, or twice in the load, fails it; DuckDB
   * tries it first and falls back to `insertSql` (duckdb-warehouse.ts says why).
   */
  newRowsSql?(d: Dialect): string;
  /** Statements run after the insert, in the same transaction (derived state, e.g. ROAS generations). */
  afterInsertSql?(d: Dialect): readonly string[];
  /**
   * Staging columns the insert converts to a fixed-size type (hex ids → UUID / 8-byte integer):
   * their bytes as the table stores them, for `bytesWritten`, not as the hex text staged.
   */
  readonly storedBytes?: Readonly<Record<string, number>>;
  /**
   * DuckDB, tables with `newRowsSql`: the table's own columns, in its order, one per staged value
   * (`values`), and how each is appended — an appender straight into the table instead of the
   * staging table and `newRowsSql`. Same rule: a key already there (or twice in the load) fails
   * the load, which then runs with `insertSql`. The warehouse checks these names against the
   * table when it opens. A `load_time` column takes no staged value: the others take them in order.
   */
  readonly direct?: readonly (readonly [name: string, type: DirectType])[];
}

/**
 * Bytes a load writes, counted as BigQuery sizes data (STRING: 2 + UTF-8 length; INT64, FLOAT64,
 * TIMESTAMP: 8; BOOL: 1; BYTES: length; NULL: 0) — the measure its Storage Write API bills, whose
 * price the load spans carry (@adtrace/telemetry, "Prices"). Values are counted as the table stores
 * them (`storedBytes`: a span's trace id is 16 bytes, not 34 of hex text). Index and engine overhead
 * are not in it.
 */
export function bytesWritten<Row>(spec: TableLoad<Row>, rows: readonly Row[]): number {
  const fixed = fixedSizes(spec);
  let total = 0;
  for (const row of rows) {
    const values = spec.values(row);
    for (let i = 0; i < values.length; i++) total += valueBytes(values[i], fixed[i]);
  }
  return total;
}

/** Per staged column, the size `storedBytes` gives it (undefined: sized by its value). */
export const fixedSizes = (spec: TableLoad<unknown>): (number | undefined)[] =>
  spec.columns.map(([name]) => spec.storedBytes?.[name]);

/** One value's bytes, as `bytesWritten` counts them; `fixed` from `fixedSizes`. */
export function valueBytes(v: StageValue | undefined, fixed: number | undefined): number {
  if (v === null || v === undefined) return 0;
  if (fixed !== undefined) return fixed;
  if (typeof v === 'string') return 2 + Buffer.byteLength(v);
  if (typeof v === 'boolean') return 1;
  if (Buffer.isBuffer(v)) return v.length;
  return 8;
}

/**
 * `insertSql` and `newRowsSql` of a table whose rows are never replaced: a key already there
 * keeps its row (a redelivery inserts nothing). `insert` is the INSERT … SELECT without a
 * conflict rule.
 */
export function skipExisting(insert: (d: Dialect) => string): Pick<TableLoad<unknown>, 'insertSql' | 'newRowsSql'> {
  return { newRowsSql: insert, insertSql: (d) => `${insert(d)}\nON CONFLICT DO NOTHING` };
}

/** 'name type, name type, …' → the columns, in order. */
export function stageColumns<T extends string = StageType>(spec: string): readonly (readonly [string, T])[] {
  return spec.split(',').map((pair) => {
    const [name, type] = pair.trim().split(/\s+/) as [string, T];
    return [name, type] as const;
  });
}

export const spansLoad: TableLoad<SpanRow> = {
  table: 'spans',
  stage: 'spans_stage',
  columns: stageColumns(
    'trace_id text, span_id text, parent_span_id text, service text, name text, kind text, start_us bigint, duration_ms double, status_code text, status_message text, event_id text, compute_usd double, kafka_usd double, query_usd double, cost_usd double, attributes text, storage_usd double, resource_id text',
  ),
  // A trace id is stored as a UUID (16 bytes), span ids as 8-byte integers (BigQuery: BYTES of 16, INT64).
  storedBytes: { trace_id: 16, span_id: 8, parent_span_id: 8, resource_id: 8 },
  // Straight into spans (DuckDB): a third less CPU per row than staging it and INSERT … SELECT
  // (packages/warehouse/README.md, "Loading"). attributes: JSON.stringify's output, valid JSON.
  direct: stageColumns<DirectType>(
    'trace_id uuid_hex, span_id ubigint_hex, parent_span_id ubigint_hex, service text, name text, kind text, start timestamp_us, duration_ms double, status_code text, status_message text, event_id text, compute_usd double, kafka_usd double, query_usd double, cost_usd double, attributes text, storage_usd double, resource_id ubigint_hex',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.traceId, r.spanId, r.parentSpanId, r.service, r.name, r.kind, r.startUnixMicros, r.durationMs, r.statusCode, r.statusMessage, r.eventId, r.computeUsd, r.kafkaUsd, r.queryUsd, r.costUsd, r.attributesJson, r.storageUsd ?? 0, r.resourceId ?? null],
  ...skipExisting(
    (d) => `
INSERT INTO spans (trace_id, span_id, parent_span_id, service, name, kind, start, duration_ms, status_code,
  status_message, event_id, compute_usd, kafka_usd, query_usd, cost_usd, attributes, storage_usd, resource_id)
SELECT ${d.traceIdFromHex('trace_id')}, ${d.spanIdFromHex('span_id')}, ${d.spanIdFromHex('parent_span_id')},
  service, name, kind, ${d.timestampFromMicros('start_us')}, duration_ms, status_code, status_message, event_id,
  compute_usd, kafka_usd, query_usd, cost_usd, CAST(attributes AS ${d.types.json}), storage_usd,
  ${d.spanIdFromHex('resource_id')}
FROM spans_stage`,
  ),
};

/** A span's resource and scope, once (rows.ts, `SpanResourceRow`); the same id twice is the same row. */
export const spanResourcesLoad: TableLoad<SpanResourceRow> = {
  table: 'span_resources',
  stage: 'span_resources_stage',
  columns: stageColumns('resource_id text, service text, attributes text'),
  storedBytes: { resource_id: 8 },
  values: (r) => [r.resourceId, r.service, r.attributesJson],
  ...skipExisting(
    (d) => `
INSERT INTO span_resources (resource_id, service, attributes)
SELECT ${d.spanIdFromHex('resource_id')}, service, CAST(attributes AS ${d.types.json})
FROM span_resources_stage`,
  ),
};
