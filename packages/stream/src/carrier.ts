import type { TraceparentIds } from '@adtrace/telemetry/lean';
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { RecordHeaders as IHeaders } from './kafka/port.ts';

type HeaderValue = IHeaders[string];

/**
 * Consumed Kafka header values are Buffers, and a repeated header arrives as an array. The
 * default propagator getter ignores non-strings; joining an array gives "a,b", which fails the
 * W3C format and silently starts a new trace. So: decode Buffers, and of a repeated header take
 * the last value (the most recent producer, if some client appended instead of overwriting).
 */
export function headerValue(value: HeaderValue): string | undefined {
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (last === undefined || last === null) return undefined;
  return typeof last === 'string' ? last : last.toString('utf8');
}

export function findHeader(headers: IHeaders | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (name in headers) return headerValue(headers[name]);
  // Absent in that spelling (tracestate, mostly): only a key of the same length can match (no
  // spelling of an ASCII name lowercases to another length), so most keys are skipped without
  // lowercasing them: a new string per key, per lookup.
  // for-in, not Object.keys: a miss (baggage, tracestate: most records) allocates no array of keys.
  for (const key in headers) {
    if (key.length === name.length && Object.hasOwn(headers, key) && key.toLowerCase() === name) {
      return headerValue(headers[key]);
    }
  }
  return undefined;
}

export const bufferGetter: TextMapGetter<IHeaders | undefined> = {
  get: (carrier, key) => findHeader(carrier, key),
  keys: (carrier) => (carrier ? Object.keys(carrier) : []),
};

/** Overwrites, never appends: any existing spelling of the key is removed first. */
export const overwriteSetter: TextMapSetter<IHeaders> = {
  set(carrier, key, value) {
    for (const existing of Object.keys(carrier)) if (existing.toLowerCase() === key) delete carrier[existing];
    carrier[key] = value;
  },
};

/** A header value's bytes as kafkaMessageBytes (@adtrace/telemetry) counts them. */
function headerBytes(value: HeaderValue): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + headerBytes(v), 0);
  if (value === undefined || value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
}

/**
 * overwriteSetter's overwrite, counting what it does to the record's size: `grown` is the change
 * in kafkaMessageBytes (names and values added, less those removed) since it was last zeroed, so
 * a record sized before its traceparent is written need not be sized again after.
 */
export class SizedOverwrite implements TextMapSetter<IHeaders> {
  grown = 0;

  set(carrier: IHeaders, key: string, value: string): void {
    for (const existing of Object.keys(carrier)) {
      // Only a key of the same length can lowercase to `key` (findHeader): no new string for the others.
      if (existing.length !== key.length || existing.toLowerCase() !== key) continue;
      this.grown -= Buffer.byteLength(existing) + headerBytes(carrier[existing]);
      delete carrier[existing];
    }
    carrier[key] = value;
    this.grown += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}/;

/** A record's own traceparent, read and parsed once per message: its trace id and its parent span's ids. */
export interface FoundTraceparent {
  /** The header's value (the last one, if repeated), as bufferGetter reads it. */
  readonly value: string | undefined;
  /** Its trace id as `traceIdOf` reads it; undefined when absent or invalid. */
  readonly traceId: string | undefined;
  /**
   * What the W3C propagator parses of it: null, no parent; undefined, a form not parsed here (the
   * tracer parses it: see `canonical`).
   */
  readonly ids: TraceparentIds | null | undefined;
}

const ABSENT: FoundTraceparent = Object.freeze({ value: undefined, traceId: undefined, ids: null });

/** A record's traceparent header, found and parsed: see FoundTraceparent. */
export function findTraceparent(headers: IHeaders | undefined): FoundTraceparent {
  const value = findHeader(headers, 'traceparent');
  return value === undefined ? ABSENT : parseTraceparent(value);
}

export function parseTraceparent(value: string): FoundTraceparent {
  const ids = canonical(value);
  if (ids !== undefined) return { value, traceId: ids?.traceId, ids };
  const match = TRACEPARENT.exec(value.trim());
  if (!match || match[1] === 'ff' || /^0+$/.test(match[2]!) || /^0+$/.test(match[3]!)) {
    return { value, traceId: undefined, ids: undefined };
  }
  return { value, traceId: match[2], ids: undefined };
}

/**
 * The usual traceparent — exactly `vv-<32 hex>-<16 hex>-ff`, lowercase, 55 characters — parsed
 * without a regex; undefined for any other form. On that form the W3C propagator's parse and
 * `traceIdOf` agree: both refuse version ff and all-zero ids (null), both read the same ids.
 * Other forms (whitespace, a suffix, a future version's fields) are where they differ: each reads
 * those with its own regex.
 */
function canonical(value: string): TraceparentIds | null | undefined {
  if (value.length !== 55) return undefined;
  let traceZero = true;
  let spanZero = true;
  for (let i = 0; i < 55; i++) {
    const c = value.charCodeAt(i);
    if (i === 2 || i === 35 || i === 52) {
      if (c !== 45) return undefined; // '-'
      continue;
    }
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return undefined;
    if (c !== 48) {
      if (i > 2 && i < 35) traceZero = false;
      else if (i > 35 && i < 52) spanZero = false;
    }
  }
  if (traceZero || spanZero || value.startsWith('ff')) return null;
  return {
    traceId: value.slice(3, 35),
    spanId: value.slice(36, 52),
    traceFlags: Number.parseInt(value.slice(53, 55), 16),
  };
}

/**
 * The trace id of a message's own W3C `traceparent` (the last one, if repeated), read without a
 * propagator, so it is known whatever the process registered; undefined when absent or invalid.
 */
export function traceIdOf(headers: IHeaders | undefined): string | undefined {
  return findTraceparent(headers).traceId;
}
