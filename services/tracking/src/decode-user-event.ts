import { createCodec, isCodecError, RecordNames, type UserEvent } from '@adtrace/schemas';
import { RejectedError } from '@adtrace/stream';

/** A raw click or conversion as the tracker wrote it, checked but not yet verified or keyed. */
export type RawUserEvent =
  | {
      readonly kind: 'click';
      readonly format: 'json' | 'avro';
      readonly token: string;
      readonly eventTimeMs: number;
      /** When the tracker received it (Avro); JSON events use the record timestamp. */
      readonly receivedAtMs: number | undefined;
    }
  | {
      readonly kind: 'conversion';
      readonly format: 'json' | 'avro';
      readonly conversionId: string;
      /** The advertiser's user id (JSON pixel): keyed with ingest's HMAC, never forwarded. */
      readonly userId: string | undefined;
      /** Avro conversions carry the token of the touch instead of a user id: its user key is used. */
      readonly token: string | undefined;
      readonly valueMicros: number;
      readonly currency: string;
      readonly eventTimeMs: number;
      readonly receivedAtMs: number | undefined;
    };

const SINGLE_OBJECT_MAGIC = [0xc3, 0x01] as const;
const MAX_ID_CHARS = 256;

/**
 * Reads one record of adtrace.user-events.raw: the tracker's JSON
 * (`{"type":"click","token":T,"ts":ISO}`, `{"type":"conversion","userId":U,"conversionId":C,
 * "value":V,"currency":"USD","ts":ISO}`, V in currency units) or a single-object Avro UserEvent.
 * A refusal is a RejectedError whose reason names the field, never its value (a user id is
 * personal data, a token a credential).
 */
export function createUserEventDecoder(): (bytes: Buffer) => RawUserEvent {
  const avro = createCodec(RecordNames.UserEvent);
  return (bytes) => {
    if (bytes[0] === SINGLE_OBJECT_MAGIC[0] && bytes[1] === SINGLE_OBJECT_MAGIC[1]) {
      try {
        return fromAvro(avro.decode(bytes));
      } catch (error) {
        if (isCodecError(error)) throw new RejectedError(error.code, `not a UserEvent: ${error.message}`);
        throw error;
      }
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new RejectedError('UNKNOWN_FORMAT', 'neither JSON nor a single-object Avro UserEvent');
    }
    return fromJson(json);
  };
}

function fromAvro(e: UserEvent): RawUserEvent {
  const base = { format: 'avro' as const, eventTimeMs: e.eventTimeMs, receivedAtMs: e.receivedAtMs };
  if (e.kind === 'CLICK') return { ...base, kind: 'click', token: e.trackingToken };
  if (e.valueMicros === null) throw invalid('valueMicros', 'a conversion needs a value');
  return {
    ...base,
    kind: 'conversion',
    conversionId: id(e.eventId, 'eventId'),
    userId: undefined,
    token: e.trackingToken,
    valueMicros: e.valueMicros,
    currency: e.currency,
  };
}

function fromJson(json: unknown): RawUserEvent {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw invalid('event', 'not a JSON object');
  const o = json as Record<string, unknown>;
  const eventTimeMs = typeof o.ts === 'string' ? Date.parse(o.ts) : Number.NaN;
  if (!Number.isFinite(eventTimeMs)) throw invalid('ts', 'expected an ISO-8601 time');
  const base = { format: 'json' as const, eventTimeMs, receivedAtMs: undefined };
  if (o.type === 'click') {
    if (typeof o.token !== 'string' || o.token === '') throw invalid('token', 'a click needs its tracking token');
    return { ...base, kind: 'click', token: o.token };
  }
  if (o.type !== 'conversion') throw invalid('type', 'expected "click" or "conversion"');
  if (typeof o.value !== 'number' || !Number.isFinite(o.value) || o.value < 0) {
    throw invalid('value', 'expected a non-negative number of currency units');
  }
  const currency = o.currency === undefined ? 'USD' : o.currency;
  if (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency))
    throw invalid('currency', 'expected an ISO-4217 code');
  return {
    ...base,
    kind: 'conversion',
    conversionId: id(o.conversionId, 'conversionId'),
    userId: id(o.userId, 'userId'),
    token: undefined,
    valueMicros: Math.round(o.value * 1_000_000),
    currency: currency.toUpperCase(),
  };
}

function id(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_ID_CHARS) {
    throw invalid(field, `expected a string of 1 to ${MAX_ID_CHARS} characters`);
  }
  return value;
}

function invalid(field: string, why: string): RejectedError {
  return new RejectedError('INVALID_USER_EVENT', `${field}: ${why}`);
}
