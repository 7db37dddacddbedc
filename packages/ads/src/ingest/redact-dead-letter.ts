import { type Codec, createCodec, RecordNames, Topics } from '@adtrace/schemas';
import { truncateIp } from './ip-truncate.ts';

/** What the warehouse may keep of a dead letter from a raw topic. */
export interface RedactedDeadLetter {
  /** How the original value was read; `undecodable` keeps nothing of it. */
  readonly format: 'json' | 'avro' | 'undecodable' | 'empty';
  /** The redacted value as JSON text, or null when nothing can be kept. */
  readonly value: string | null;
  /** Paths removed, truncated or rounded, for the record (names only). */
  readonly removed: readonly string[];
  readonly truncated: readonly string[];
}

// Identifiers of a person or a device, wherever they appear (OpenRTB, its extensions, tracker
// events): removed. Lower case; keys are compared in lower case.
const ID_KEYS = new Set([
  'buyeruid',
  'eids',
  'ifa',
  'idfa',
  'gaid',
  'adid',
  'didsha1',
  'didmd5',
  'dpidsha1',
  'dpidmd5',
  'macsha1',
  'macmd5',
  'userid',
  'user_id',
  'uid',
  'uids',
  'deviceid',
  'device_id',
  'email',
  'phone',
  'yob',
  'gender',
  'consent',
  'gpp',
  'trackingtoken',
  'userkey',
]);
// Inside these objects `id` (and `data`, the user's segments) is a person's id, not a business one.
const PERSON_OBJECTS = new Set(['user']);
const URL_KEYS = new Set(['page', 'ref', 'url', 'referrer']);
const MAX_DEPTH = 32;

let rawCodecs: ReadonlyMap<string, Codec<unknown>> | undefined;
function codecOf(topic: string): Codec<unknown> | undefined {
  rawCodecs ??= new Map<string, Codec<unknown>>([
    [Topics.bidRequestsRaw, createCodec(RecordNames.RawBidRequest) as Codec<unknown>],
    [Topics.userEventsRaw, createCodec(RecordNames.UserEvent) as Codec<unknown>],
  ]);
  return rawCodecs.get(topic);
}

/**
 * The copy of a raw topic's dead letter (an OpenRTB request or a tracker's user event, as JSON
 * or single-object Avro) that the warehouse may keep: user and device ids removed, IPs
 * truncated (IPv4 /24, IPv6 /56, in any field), lat/lon rounded to 2 decimals, URLs without
 * query or fragment. A value it cannot read is kept as nothing, since its bytes may hold all of
 * these. The original stays only in adtrace.dead-letters.raw, with its bounded retention.
 */
export function redactRawDeadLetter(value: Uint8Array | null, originalTopic: string): RedactedDeadLetter {
  if (value === null || value.length === 0) return { format: 'empty', value: null, removed: [], truncated: [] };
  const decoded = decode(value, originalTopic);
  if (!decoded) return { format: 'undecodable', value: null, removed: [], truncated: [] };
  const removed: string[] = [];
  const truncated: string[] = [];
  const redacted = redact(decoded.json, '', '', 0, removed, truncated);
  return { format: decoded.format, value: JSON.stringify(redacted), removed, truncated };
}

function decode(value: Uint8Array, topic: string): { format: 'json' | 'avro'; json: unknown } | undefined {
  const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
  if (text.trimStart().startsWith('{')) {
    try {
      return { format: 'json', json: JSON.parse(text) };
    } catch {
      return undefined;
    }
  }
  try {
    const record = codecOf(topic)?.decode(value);
    return record === undefined ? undefined : { format: 'avro', json: record };
  } catch {
    return undefined;
  }
}

function redact(v: unknown, key: string, path: string, depth: number, removed: string[], truncated: string[]): unknown {
  if (depth > MAX_DEPTH) {
    removed.push(path);
    return null;
  }
  if (Array.isArray(v)) return v.map((item, i) => redact(item, key, `${path}[${i}]`, depth + 1, removed, truncated));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    const person = PERSON_OBJECTS.has(key.toLowerCase());
    for (const [k, child] of Object.entries(v)) {
      const lower = k.toLowerCase();
      const childPath = path ? `${path}.${k}` : k;
      if (ID_KEYS.has(lower) || (person && (lower === 'id' || lower === 'data'))) {
        if (child !== null && child !== undefined) removed.push(childPath);
        continue;
      }
      out[k] = redact(child, k, childPath, depth + 1, removed, truncated);
    }
    return out;
  }
  const lower = key.toLowerCase();
  if (typeof v === 'number' && (lower === 'lat' || lower === 'lon')) {
    truncated.push(path);
    return Math.round(v * 100) / 100;
  }
  if (typeof v === 'string') {
    const ip = truncateIp(v);
    if (ip !== undefined) {
      truncated.push(path);
      return ip;
    }
    if (URL_KEYS.has(lower)) return withoutQuery(v, path, truncated);
  }
  return v;
}

function withoutQuery(text: string, path: string, truncated: string[]): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    truncated.push(path);
    return null;
  }
  if (!url.search && !url.hash && !url.username && !url.password) return text;
  truncated.push(path);
  return `${url.origin}${url.pathname}`;
}
