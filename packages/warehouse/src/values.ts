/** Database values to JS: DuckDB gives bigints and Uint8Arrays, pg gives bigint and numeric as strings. */

export const toNumber = (v: unknown): number =>
  typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);

export const toNumberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));

export const toStringOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toBufferOrNull(v: unknown): Buffer | null {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'object' && 'bytes' in v && v.bytes instanceof Uint8Array) return Buffer.from(v.bytes);
  return Buffer.from(String(v));
}

export function parseJsonObject(v: unknown): Record<string, unknown> {
  if (v !== null && typeof v === 'object') return v as Record<string, unknown>;
  if (typeof v !== 'string') return {};
  try {
    const parsed = JSON.parse(v) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A LIMIT: a positive integer, capped. */
export function limit(n: number | undefined, fallback = 100, max = 10_000): number {
  if (n === undefined) return fallback;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`limit must be a positive integer, got ${n}`);
  return Math.min(n, max);
}

export const TRACE_ID = /^[0-9a-f]{32}$/;
export const SPAN_ID = /^[0-9a-f]{16}$/;
