import {
  createCodec,
  parseOpenRtbBidRequest,
  RecordNames,
  ValidationError,
  validateOpenRtbBidRequest,
} from '@adtrace/schemas';
import { exampleOpenRtbRequest, exampleRawBidRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { encodeMessage, encodeOpenRtbJson, encodeRawBidRequest } from './encode.ts';

describe('encode', () => {
  it('writes OpenRTB JSON that ingest parses, extensions kept, keyed by the request id', () => {
    const { id, value } = encodeMessage({ json: exampleOpenRtbRequest });
    expect(id).toBe(exampleOpenRtbRequest.id);
    expect(JSON.parse(value.toString('utf8'))).toEqual(exampleOpenRtbRequest);
    expect(parseOpenRtbBidRequest(value).imp.map((i) => i.id)).toEqual(['1', '2']);
  });

  it('writes single-object Avro that decodes to the same RawBidRequest', () => {
    const { id, value } = encodeMessage({ avro: exampleRawBidRequest });
    expect(id).toBe(exampleRawBidRequest.id);
    expect([value[0], value[1]]).toEqual([0xc3, 0x01]);
    const decoded = createCodec(RecordNames.RawBidRequest).decode(value);
    expect(decoded).toEqual(exampleRawBidRequest);
    expect(validateOpenRtbBidRequest(decoded).id).toBe(exampleRawBidRequest.id);
  });

  it('refuses a request ingest would dead-letter, naming the field, unless told not to check', () => {
    const broken = { ...exampleOpenRtbRequest, imp: [exampleOpenRtbRequest.imp[0], exampleOpenRtbRequest.imp[0]] };
    expect(() => encodeOpenRtbJson(broken)).toThrow(ValidationError);
    expect(() => encodeOpenRtbJson(broken)).toThrow(/imp/);
    expect(encodeOpenRtbJson(broken, false).length).toBeGreaterThan(0);
    expect(() => encodeRawBidRequest({ ...exampleRawBidRequest, imp: [] })).toThrow(/imp/);
  });
});
