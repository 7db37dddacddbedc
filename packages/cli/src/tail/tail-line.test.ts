import { createCodec, RecordNames, Topics } from '@adtrace/schemas';
import { exampleBidRequest, exampleImpression, exampleOpenRtbRequest } from '@adtrace/schemas/testing';
import { DeadLetterHeaders, Headers, LateHeaders } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { ValueDecoder } from './decode-value.ts';
import { humanLine, stringifyLine, type TailRecord, toTailLine } from './tail-line.ts';

const decoder = new ValueDecoder();
const AT_ISO = new Date(1_795_305_984_000).toISOString();
const bidRequests = createCodec(RecordNames.BidRequest);
const record = (over: Partial<TailRecord>): TailRecord => ({
  topic: Topics.bidRequests,
  partition: 2,
  offset: '17',
  timestamp: '1795305984000',
  key: Buffer.from('user-key-1'),
  value: null,
  ...over,
});

describe('toTailLine', () => {
  it('decodes a pipeline topic through its schema, with key, time and headers as strings', () => {
    const line = toTailLine(
      record({
        value: bidRequests.encode(exampleBidRequest),
        headers: {
          [Headers.eventId]: Buffer.from('evt-1'),
          [Headers.traceparent]: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`,
        },
      }),
      decoder,
    );
    expect(line).toMatchObject({
      topic: Topics.bidRequests,
      partition: 2,
      offset: '17',
      timestamp: AT_ISO,
      key: 'user-key-1',
      format: 'avro',
      record: 'dev.adtrace.BidRequest',
      headers: { 'adtrace.event-id': 'evt-1', traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` },
    });
    expect(line.value).toEqual(exampleBidRequest);
    expect(line.deadLetter).toBeUndefined();
  });

  it('reads Avro on any topic by the fingerprint its header names', () => {
    const impression = createCodec(RecordNames.Impression).encode(exampleImpression);
    const line = toTailLine(record({ topic: 'test.anything', value: impression }), decoder);
    expect(line).toMatchObject({ format: 'avro', record: 'dev.adtrace.Impression', value: exampleImpression });
  });

  it('passes JSON through on a raw topic, and shows other text as text', () => {
    const json = toTailLine(
      record({ topic: Topics.bidRequestsRaw, value: Buffer.from(JSON.stringify(exampleOpenRtbRequest)) }),
      decoder,
    );
    expect(json).toMatchObject({ format: 'json', value: exampleOpenRtbRequest });
    expect(toTailLine(record({ value: Buffer.from('{not json') }), decoder)).toMatchObject({
      format: 'text',
      value: '{not json',
    });
  });

  it('a dead letter: reason, code, stage and origin spelled out, the original value decoded by its topic', () => {
    const line = toTailLine(
      record({
        topic: Topics.deadLetters,
        value: bidRequests.encode(exampleBidRequest),
        headers: {
          [DeadLetterHeaders.reason]: 'no campaign matches',
          [DeadLetterHeaders.code]: 'UNKNOWN_AD',
          [DeadLetterHeaders.errorClass]: 'HandlerRejection',
          [DeadLetterHeaders.stage]: 'adtrace-auction',
          [DeadLetterHeaders.originalTopic]: Topics.bidRequests,
          [DeadLetterHeaders.originalPartition]: '4',
          [DeadLetterHeaders.originalOffset]: '99',
          [DeadLetterHeaders.deadLetteredAt]: '1795305984000',
        },
      }),
      decoder,
    );
    expect(line.deadLetter).toEqual({
      reason: 'no campaign matches',
      code: 'UNKNOWN_AD',
      errorClass: 'HandlerRejection',
      stage: 'adtrace-auction',
      originalTopic: Topics.bidRequests,
      originalPartition: 4,
      originalOffset: '99',
      originalTimestamp: null,
      deadLetteredAt: AT_ISO,
    });
    expect(line).toMatchObject({ format: 'avro', value: exampleBidRequest });
    expect(humanLine(line)).toContain(
      'DEAD LETTER adtrace-auction UNKNOWN_AD: no campaign matches (from adtrace.bid-requests[4]@99)',
    );
  });

  it("a raw topic's dead letter keeps upstream's JSON, passed through", () => {
    const line = toTailLine(
      record({
        topic: Topics.deadLettersRaw,
        value: Buffer.from(JSON.stringify({ ...exampleOpenRtbRequest, at: 3 })),
        headers: {
          [DeadLetterHeaders.reason]: 'at: 3 is not an auction type we can price',
          [DeadLetterHeaders.code]: 'at',
          [DeadLetterHeaders.stage]: 'adtrace-ingest',
          [DeadLetterHeaders.originalTopic]: Topics.bidRequestsRaw,
        },
      }),
      decoder,
    );
    expect(line).toMatchObject({ format: 'json', value: { id: exampleOpenRtbRequest.id, at: 3 } });
    expect(line.deadLetter).toMatchObject({
      stage: 'adtrace-ingest',
      code: 'at',
      originalTopic: Topics.bidRequestsRaw,
    });
  });

  it('bytes that do not decode are shown in base64 with the codec error', () => {
    const truncated = bidRequests.encode(exampleBidRequest).subarray(0, 14);
    const line = toTailLine(record({ value: truncated }), decoder);
    expect(line).toMatchObject({ format: 'bytes', value: truncated.toString('base64') });
    expect(line.error).toMatch(/^(TRUNCATED|INVALID_BODY): /);
    const unknown = Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0]);
    expect(toTailLine(record({ value: unknown }), decoder).error).toMatch(/^UNKNOWN_SCHEMA: /);
  });

  it('a binary key and header are base64, marked so; a late record names where it came from', () => {
    const line = toTailLine(
      record({
        key: Buffer.from([0, 1, 2, 255]),
        headers: { bin: Buffer.from([0, 159]), [LateHeaders.originalTopic]: 'adtrace.attributed-events' },
      }),
      decoder,
    );
    expect(line).toMatchObject({ key: 'AAEC/w==', keyEncoding: 'base64', format: 'null', value: null });
    expect(line.headers.bin).toBe('base64:AJ8=');
    expect(line.late).toEqual({ originalTopic: 'adtrace.attributed-events', streamTime: null });
  });
});

describe('stringifyLine', () => {
  it('writes buffers as base64 and bigints as strings, on one line', () => {
    const out = stringifyLine({ b: Buffer.from('hi'), n: 2n ** 70n, s: 'a\nb' });
    expect(out).toBe('{"b":"aGk=","n":"1180591620717411303424","s":"a\\nb"}');
  });
});
