import { type DuckDBAppender, DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { type DirectType, fixedSizes, type StageValue, type TableLoad, valueBytes } from '../tables.ts';

/**
 * Rows straight into their table (`spec.direct`) as data chunks of up to 2,048 rows (DuckDB's
 * vector size). Fixed-size values (ids, times, numbers), and strings short enough for DuckDB to
 * keep inline, are written as the table stores them into one buffer per column, which goes to
 * DuckDB in one copy per chunk; a longer string is one call. Value by value through the appender
 * a span row took 19 native calls and a text-to-id cast in each id's (bench/README.md, "span
 * rows into DuckDB as data chunks"). Returns the bytes written, as `bytesWritten` counts them.
 * Like the appender, it writes inside the connection's open transaction; a key already there
 * fails the flush, and the rows go nowhere (the caller then runs the load with `insertSql`).
 */
export function appendDirect<Row>(appender: DuckDBAppender, spec: TableLoad<Row>, rows: readonly Row[]): number {
  const columns = spec.direct;
  if (!columns) throw new Error(`${spec.table}: no direct columns`);
  const types = columns.map((_, i) => appender.columnType(i));
  // Each column's staged value (`spec.values`), in order; a `load_time` column takes none (-1).
  let staged = 0;
  const valueAt = columns.map(([, type]) => (type === 'load_time' ? -1 : staged++));
  const load = { spec, columns, types, valueAt, fixed: fixedSizes(spec), bytes: 0, loadTimeUs: Date.now() * 1000 };
  try {
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      appender.appendDataChunk(chunkOf(load, rows, start, Math.min(CHUNK_ROWS, rows.length - start)));
    }
    appender.flushSync();
    return load.bytes;
  } catch (err) {
    // Rows left in the appender would be flushed when the garbage collector destroys it, into
    // whatever transaction is open then (duckdb-append.ts says more): dropped here.
    appender.clear();
    throw err;
  }
}

const CHUNK_ROWS = 2048;

/** Bytes per value in a column's buffer; 0: a blob, assigned value by value. */
const WIDTH: Record<DirectType, number> = {
  uuid_hex: 16,
  ubigint_hex: 8,
  timestamp_us: 8,
  timestamp_ms: 8,
  load_time: 8,
  bigint: 8,
  double: 8,
  int: 4,
  bool: 1,
  text: 16, // a duckdb_string_t (duckdb.h); strings past 12 bytes are assigned after the copy
  bytes: 0,
};

// One buffer per column position, reused: appendDirect is synchronous, so never shared.
const buffers: ArrayBuffer[] = [];
const validities: Uint8Array<ArrayBuffer>[] = [];

interface DirectLoad<Row> {
  readonly spec: TableLoad<Row>;
  readonly columns: NonNullable<TableLoad<Row>['direct']>;
  readonly types: readonly DuckDBType[];
  /** Per column, the index of its value in `spec.values(row)`; -1 for `load_time`. */
  readonly valueAt: readonly number[];
  /** `fixedSizes(spec)`, for `bytes`: the load's `bytesWritten`, counted as the values go in. */
  readonly fixed: readonly (number | undefined)[];
  bytes: number;
  /** What a `load_time` column holds: the load's time, µs since the epoch. */
  readonly loadTimeUs: number;
}

function chunkOf<Row>(load: DirectLoad<Row>, rows: readonly Row[], start: number, n: number): DuckDBDataChunk {
  const { spec, columns, types, valueAt, fixed } = load;
  const chunk = DuckDBDataChunk.create(types, n);
  const vectors = columns.map((_, c) => duckdb.data_chunk_get_vector(chunk.chunk, c));
  const views = columns.map(([, type], c) => {
    const width = WIDTH[type];
    if (width === 0) return undefined;
    const size = CHUNK_ROWS * width;
    if (buffers[c]?.byteLength !== size) buffers[c] = new ArrayBuffer(size);
    return new DataView(buffers[c]!);
  });
  const nulls = columns.map(() => false);
  const long: { column: number; row: number; text: string }[] = [];
  for (let r = 0; r < n; r++) {
    const values = spec.values(rows[start + r]!);
    for (let c = 0; c < columns.length; c++) {
      const [name, type] = columns[c]!;
      const at = valueAt[c]!;
      if (at < 0) {
        setInt64(views[c]!, r * 8, load.loadTimeUs);
        continue;
      }
      const v = values[at];
      load.bytes += valueBytes(v, fixed[at]);
      if (v === null || v === undefined) {
        if (!nulls[c]) {
          nulls[c] = true;
          validities[c] ??= new Uint8Array(CHUNK_ROWS / 8);
          validities[c].fill(0xff);
        }
        validities[c]![r >> 3]! &= ~(1 << (r & 7));
        continue;
      }
      const view = views[c];
      if (type === 'text') {
        const text = String(v);
        if (!inlineString(view!, r, text)) long.push({ column: c, row: r, text });
      } else if (view) writeFixed(view, r, type, v, `${spec.table}.${name}`);
      else if (type === 'bytes') duckdb.vector_assign_string_element_len(vectors[c]!, r, v as Buffer);
      else duckdb.vector_assign_string_element(vectors[c]!, r, String(v));
    }
  }
  for (let c = 0; c < columns.length; c++) {
    const vector = vectors[c]!;
    if (nulls[c]) {
      duckdb.vector_ensure_validity_writable(vector);
      const validity = validities[c]!;
      duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, Math.ceil(n / 64) * 8);
    }
    const view = views[c];
    if (view) duckdb.copy_data_to_vector(vector, 0, view.buffer, 0, n * WIDTH[columns[c]![1]]);
  }
  // After the copies, which would overwrite them: the vector keeps these strings' bytes.
  for (const { column, row, text } of long) duckdb.vector_assign_string_element(vectors[column]!, row, text);
  chunk.rowCount = n;
  return chunk;
}

/**
 * A string of up to 12 ASCII characters as DuckDB stores it inline (duckdb.h, `duckdb_string_t`:
 * its length, then its bytes, zero-padded to 16): service, kind and status are, on every span,
 * and so cost no call into DuckDB. False, and the slot zeroed, for a string DuckDB must hold.
 */
function inlineString(view: DataView, r: number, text: string): boolean {
  const at = r * 16;
  zero16(view, at);
  if (text.length > 12) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) {
      zero16(view, at);
      return false;
    }
    view.setUint8(at + 4 + i, code);
  }
  view.setUint32(at, text.length, true);
  return true;
}

function zero16(view: DataView, at: number): void {
  for (let i = 0; i < 16; i += 4) view.setUint32(at + i, 0);
}

/** Row `r`'s value into a column buffer, little-endian, as DuckDB stores the type. */
function writeFixed(view: DataView, r: number, type: DirectType, v: StageValue, column: string): void {
  switch (type) {
    case 'uuid_hex':
      // A UUID is a 128-bit integer, its top bit flipped (so they sort as their text does):
      // the lower 64 bits first, each half little-endian.
      hexBytes(view, r * 16, v, 16, column);
      view.setUint8(r * 16 + 15, view.getUint8(r * 16 + 15) ^ 0x80);
      return;
    case 'ubigint_hex':
      hexBytes(view, r * 8, v, 8, column);
      return;
    case 'timestamp_us':
    case 'bigint':
      setInt64(view, r * 8, v);
      return;
    case 'timestamp_ms':
      setInt64(view, r * 8, Number(v) * 1000);
      return;
    case 'double':
      view.setFloat64(r * 8, Number(v), true);
      return;
    case 'int':
      view.setInt32(r * 4, Number(v), true);
      return;
    case 'bool':
      view.setUint8(r, v ? 1 : 0);
      return;
    default:
      throw new Error(`${column}: ${type} is not a fixed-size type`);
  }
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[65 + i] = NIBBLE[97 + i] = 10 + i;
/** A hex digit's value, -1 for any other character. */
const nibble = (code: number): number => (code < 128 ? NIBBLE[code]! : -1);

/** `bytes * 2` hex digits, big-endian as written, into `bytes` bytes at `at`, little-endian. */
function hexBytes(view: DataView, at: number, v: StageValue, bytes: number, column: string): void {
  const hex = v as string;
  if (typeof hex !== 'string' || hex.length !== bytes * 2) throw notHex(column, v, bytes);
  for (let k = 0; k < bytes; k++) {
    const hi = nibble(hex.charCodeAt(2 * k));
    const lo = nibble(hex.charCodeAt(2 * k + 1));
    if ((hi | lo) < 0) throw notHex(column, v, bytes);
    view.setUint8(at + bytes - 1 - k, (hi << 4) | lo);
  }
}

const notHex = (column: string, v: StageValue, bytes: number) =>
  new Error(`${column}: ${JSON.stringify(v)} is not ${bytes * 2} hex digits`);

/** An integer (a number, or decimal text for values past 2^53) as a signed 64-bit integer. */
function setInt64(view: DataView, at: number, v: StageValue): void {
  if (typeof v !== 'number') {
    view.setBigInt64(at, BigInt(v as string), true);
    return;
  }
  const x = Math.trunc(v);
  const high = Math.floor(x / 2 ** 32);
  view.setUint32(at, x - high * 2 ** 32, true);
  view.setInt32(at + 4, high, true);
}
