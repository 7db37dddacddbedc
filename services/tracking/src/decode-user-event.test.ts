import { createCodec, RecordNames, type UserEvent } from '@adtrace/schemas';
import { RejectedError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { createUserEventDecoder } from './decode-user-event.ts';

const decode = createUserEventDecoder();
const json = (o: unknown) => Buffer.from(JSON.stringify(o));
const TS = '2026-11-26T01:00:00.000Z';
const rejected = (bytes: Buffer): RejectedError => {
  try {
    decode(bytes);
  } catch (error) {
    if (error instanceof RejectedError) return error;
    throw error;
  }
  throw new Error('expected a RejectedError');
};

describe('decodeUserEvent', () => {
  it('reads a JSON click', () => {
    expect(decode(json({ type: 'click', token: 't1.k.p.s', ts: TS }))).toEqual({
      kind: 'click',
      format: 'json',
      token: 't1.k.p.s',
      eventTimeMs: Date.parse(TS),
      receivedAtMs: undefined,
    });
  });

  it('reads a JSON conversion, its value in currency units to micros', () => {
    const e = decode(
      json({ type: 'conversion', userId: 'U', conversionId: 'C', value: 49.99, currency: 'eur', ts: TS }),
    );
    expect(e).toMatchObject({
      kind: 'conversion',
      userId: 'U',
      conversionId: 'C',
      valueMicros: 49_990_000,
      currency: 'EUR',
    });
  });

  it('reads Avro UserEvents: a click, and a conversion keyed by its token', () => {
    const codec = createCodec(RecordNames.UserEvent);
    const base: UserEvent = {
      eventId: 'e1',
      kind: 'CLICK',
      trackingToken: 'tok',
      valueMicros: null,
      currency: 'USD',
      eventTimeMs: 1000,
      receivedAtMs: 1250,
    };
    expect(decode(codec.encode(base))).toMatchObject({
      kind: 'click',
      format: 'avro',
      token: 'tok',
      receivedAtMs: 1250,
    });
    const conv = decode(codec.encode({ ...base, kind: 'CONVERSION', valueMicros: 5_000_000 }));
    expect(conv).toMatchObject({
      kind: 'conversion',
      conversionId: 'e1',
      token: 'tok',
      userId: undefined,
      valueMicros: 5_000_000,
    });
    expect(rejected(codec.encode({ ...base, kind: 'CONVERSION' })).code).toBe('INVALID_USER_EVENT');
  });

  it('refuses what is not an event, naming the field and never echoing a user id', () => {
    expect(rejected(Buffer.from('nope')).code).toBe('UNKNOWN_FORMAT');
    expect(rejected(json({ type: 'view', ts: TS })).message).toContain('type');
    expect(rejected(json({ type: 'click', ts: TS })).message).toContain('token');
    expect(rejected(json({ type: 'click', token: 't', ts: 'yesterday' })).message).toContain('ts');
    const noValue = rejected(json({ type: 'conversion', userId: 'secret-user', conversionId: 'C', ts: TS }));
    expect(noValue.message).toContain('value');
    expect(noValue.message).not.toContain('secret-user');
    const badUser = rejected(json({ type: 'conversion', userId: '', conversionId: 'C', value: 1, ts: TS }));
    expect(badUser.message).toContain('userId');
  });
});
