/**
 * The few places DuckDB and PostgreSQL SQL differ. Everything else (tables, queries,
 * ON CONFLICT, percentile_cont … WITHIN GROUP) is written once.
 */
export interface Dialect {
  readonly name: 'duckdb' | 'postgres';
  readonly types: {
    /** 128-bit trace id: compact, fixed-width keys make the primary key index cheap to load. */
    readonly traceId: string;
    /** 64-bit span id (PostgreSQL has no unsigned bigint: the bits are stored as a signed one). */
    readonly spanId: string;
    readonly timestamp: string;
    readonly double: string;
    readonly json: string;
    readonly bytes: string;
  };
  /** Hex text (32 digits) → trace id. */
  traceIdFromHex(expr: string): string;
  /** Hex text (16 digits) → span id. */
  spanIdFromHex(expr: string): string;
  traceIdToHex(expr: string): string;
  spanIdToHex(expr: string): string;
  /** Microseconds since the epoch (bigint) → timestamp. */
  timestampFromMicros(expr: string): string;
  /** Timestamp → microseconds since the epoch (bigint). */
  timestampToMicros(expr: string): string;
  /** A top-level key of a JSON column as text (NULL when absent); keys like `openrtb.request_id` hold dots. */
  jsonText(column: string, key: string): string;
  /** UTF-8 bytes of a text or JSON value as text. */
  textBytes(expr: string): string;
  /** Whether a bytes column, read as UTF-8, holds a text parameter (false when it is not UTF-8). */
  bytesContain(column: string, param: string): string;
}

export const duckdbDialect: Dialect = {
  name: 'duckdb',
  types: { traceId: 'UUID', spanId: 'UBIGINT', timestamp: 'TIMESTAMP', double: 'DOUBLE', json: 'JSON', bytes: 'BLOB' },
  traceIdFromHex: (e) => `CAST(${e} AS UUID)`,
  spanIdFromHex: (e) => `CAST('0x' || ${e} AS UBIGINT)`,
  traceIdToHex: (e) => `replace(CAST(${e} AS VARCHAR), '-', '')`,
  spanIdToHex: (e) => `lower(lpad(hex(${e}), 16, '0'))`,
  timestampFromMicros: (e) => `make_timestamp(CAST(${e} AS BIGINT))`,
  timestampToMicros: (e) => `epoch_us(${e})`,
  jsonText: (c, k) => `json_extract_string(${c}, '$."${k}"')`,
  textBytes: (e) => `strlen(CAST(${e} AS VARCHAR))`,
  // decode(), not a cast: a cast writes quotes and other bytes as \xNN.
  bytesContain: (c, p) => `contains(try(decode(${c})), ${p})`,
};

export const postgresDialect: Dialect = {
  name: 'postgres',
  types: {
    traceId: 'uuid',
    spanId: 'bigint',
    timestamp: 'timestamptz',
    double: 'double precision',
    json: 'jsonb',
    bytes: 'bytea',
  },
  traceIdFromHex: (e) => `CAST(${e} AS uuid)`,
  spanIdFromHex: (e) => `CAST(CAST('x' || ${e} AS bit(64)) AS bigint)`,
  traceIdToHex: (e) => `replace(CAST(${e} AS text), '-', '')`,
  spanIdToHex: (e) => `lpad(to_hex(${e}), 16, '0')`,
  timestampFromMicros: (e) => `(timestamptz 'epoch' + CAST(${e} AS bigint) * interval '1 microsecond')`,
  timestampToMicros: (e) => `CAST(round(extract(epoch from ${e}) * 1000000) AS bigint)`,
  jsonText: (c, k) => `(${c} ->> '${k}')`,
  textBytes: (e) => `octet_length(CAST(${e} AS text))`,
  bytesContain: (c, p) => `position(convert_to(${p}, 'UTF8') in ${c}) > 0`,
};
