import { DeadLetterHeaders, LateHeaders } from '@adtrace/stream';
import { asText, type DecodedValue, type ValueDecoder, type ValueFormat } from './decode-value.ts';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** A consumed record, as kafkajs hands it over. */
export interface TailRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** ms since the epoch, as a string. */
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Record<string, HeaderValue>;
}

/** A dead letter's DeadLetterHeaders, by what they mean. */
export interface DeadLetterInfo {
  readonly reason: string | null;
  readonly code: string | null;
  readonly errorClass: string | null;
  readonly stage: string | null;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  readonly originalTimestamp: string | null;
  readonly deadLetteredAt: string | null;
}

/** One output line of `adtrace tail --json`. */
export interface TailLine {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
  /** Present when the key is not printable UTF-8: it is then base64. */
  readonly keyEncoding?: 'base64';
  /** Every header as a string (UTF-8; `base64:…` when it is not text). */
  readonly headers: Record<string, string>;
  readonly format: ValueFormat;
  readonly record?: string;
  readonly value: unknown;
  readonly error?: string;
  /** For a dead letter: why, where and by whom; `value` is the original value, decoded. */
  readonly deadLetter?: DeadLetterInfo;
  /** For a record sent aside as too late for its window: where it came from. */
  readonly late?: { readonly originalTopic: string | null; readonly streamTime: string | null };
}

function headerString(value: HeaderValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => headerString(v)).join(',');
  if (typeof value === 'string') return value;
  return asText(value) ?? `base64:${value.toString('base64')}`;
}

const isoTime = (ms: string | null): string | null => {
  const n = Number(ms);
  return ms === null || ms === '' || !Number.isFinite(n) ? ms : new Date(n).toISOString();
};

/**
 * A record as one JSON object: key and headers as strings, the value decoded (a dead letter's
 * original value by its original topic's schema), dead-letter and late headers spelled out.
 */
export function toTailLine(record: TailRecord, decoder: ValueDecoder): TailLine {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.headers ?? {})) headers[name] = headerString(value);
  const h = (name: string) => headers[name] ?? null;
  const keyText = record.key === null ? null : asText(record.key);
  const dead = h(DeadLetterHeaders.originalTopic) !== null || h(DeadLetterHeaders.reason) !== null;
  const late = h(LateHeaders.originalTopic) !== null;
  const decoded: DecodedValue = decoder.decode(
    record.value,
    dead ? (h(DeadLetterHeaders.originalTopic) ?? undefined) : record.topic,
  );
  const partition = h(DeadLetterHeaders.originalPartition);
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: isoTime(record.timestamp) ?? record.timestamp,
    key: record.key === null ? null : (keyText ?? record.key.toString('base64')),
    ...(record.key !== null && keyText === undefined && { keyEncoding: 'base64' as const }),
    headers,
    ...decoded,
    ...(dead && {
      deadLetter: {
        reason: h(DeadLetterHeaders.reason),
        code: h(DeadLetterHeaders.code),
        errorClass: h(DeadLetterHeaders.errorClass),
        stage: h(DeadLetterHeaders.stage),
        originalTopic: h(DeadLetterHeaders.originalTopic),
        originalPartition: partition === null ? null : Number(partition),
        originalOffset: h(DeadLetterHeaders.originalOffset),
        originalTimestamp: isoTime(h(DeadLetterHeaders.originalTimestamp)),
        deadLetteredAt: isoTime(h(DeadLetterHeaders.deadLetteredAt)),
      },
    }),
    ...(late && { late: { originalTopic: h(LateHeaders.originalTopic), streamTime: h(LateHeaders.streamTime) } }),
  };
}

/** JSON with Avro's bytes and fixed values as base64 and longs that overflowed into bigint as strings. */
export function stringifyLine(line: unknown): string {
  return JSON.stringify(line, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (Buffer.isBuffer(raw)) return raw.toString('base64');
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

/** The line without --json: where, when, key, what it is (a dead letter's stage, code, reason), the value. */
export function humanLine(line: TailLine): string {
  const what = line.deadLetter
    ? `DEAD LETTER ${line.deadLetter.stage ?? '?'} ${line.deadLetter.code ?? '?'}: ${line.deadLetter.reason ?? ''} (from ${line.deadLetter.originalTopic ?? '?'}[${line.deadLetter.originalPartition ?? '?'}]@${line.deadLetter.originalOffset ?? '?'})`
    : (line.record?.replace(/^.*\./, '') ?? line.format);
  const error = line.error ? ` [${line.error}]` : '';
  const headers = Object.entries(line.headers)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${line.timestamp} ${line.topic}[${line.partition}]@${line.offset} key=${line.key ?? 'null'} ${what}${error} ${stringifyLine(line.value)}${headers ? `  ${headers}` : ''}`;
}
