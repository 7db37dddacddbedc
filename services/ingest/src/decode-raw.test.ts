import { createCodec, type RawBidRequest, RecordNames } from '@adtrace/schemas';
import { exampleOpenRtbRequest, exampleRawBidRequest } from '@adtrace/schemas/testing';
import { RejectedError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { createRawDecoder } from './decode-raw.ts';

const decode = createRawDecoder(64 * 1024);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const avro = (v: RawBidRequest) => Buffer.from(createCodec(RecordNames.RawBidRequest).encode(v));
const refusal = (bytes: Buffer): RejectedError => {
  try {
    decode(bytes);
  } catch (error) {
    if (error instanceof RejectedError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('the raw topic decoder', () => {
  it('reads JSON (leading whitespace too) and Avro RawBidRequest to the same request', () => {
    const fromJson = decode(Buffer.concat([Buffer.from('\n  '), json(exampleOpenRtbRequest)]));
    const fromAvro = decode(avro(exampleRawBidRequest));
    expect(fromJson.format).toBe('json');
    expect(fromAvro.format).toBe('avro');
    expect(fromAvro.request).toEqual(fromJson.request);
  });

  it.each([
    ['a missing id', { ...exampleOpenRtbRequest, id: undefined }, /id \[required\]/],
    [
      'duplicate imp ids',
      { ...exampleOpenRtbRequest, imp: [exampleOpenRtbRequest.imp[0], exampleOpenRtbRequest.imp[0]] },
      /imp.*\[unique\].*imp ids must be unique/,
    ],
    ['at = 3', { ...exampleOpenRtbRequest, at: 3 }, /at \[range\]: at must be 1 \(first price\) or 2/],
    ['site and app', { ...exampleOpenRtbRequest, app: { bundle: 'com.x' } }, /\[exclusive\]/],
  ])('refuses %s with a reason naming the field and the rule', (_, request, reason) => {
    const error = refusal(json(request));
    expect(error.code).toBe('INVALID_OPENRTB');
    expect(error.reason).toMatch(reason);
  });

  it('holds Avro to the same rules', () => {
    expect(refusal(avro({ ...exampleRawBidRequest, at: 3 })).reason).toMatch(/at \[range\]/);
  });

  it('refuses bytes that are neither, and broken JSON or Avro, as dead letters', () => {
    expect(refusal(Buffer.from('id=1&imp=2')).code).toBe('UNKNOWN_FORMAT');
    expect(refusal(Buffer.from('{"id":')).code).toBe('INVALID_JSON');
    expect(refusal(avro(exampleRawBidRequest).subarray(0, 12)).code).toBe('TRUNCATED');
  });

  it('does not put raw values of the request in a reason', () => {
    const bad = { ...exampleOpenRtbRequest, at: 3 };
    const { reason } = refusal(json(bad));
    for (const value of [bad.user.id, bad.device.ifa, bad.device.ip]) expect(reason).not.toContain(value);
  });
});
