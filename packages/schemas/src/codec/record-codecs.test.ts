import { describe, expect, it } from 'vitest';
import { currentSchemas } from '../generated/schemas.ts';
import { type RecordName, RecordNames } from '../generated/types.ts';
import { exampleAuctionNoFill, exampleRecords } from '../testing/index.ts';
import { Topics } from '../topics.ts';
import { CodecError } from './codec-error.ts';
import { createCodec, openCodec, openTopicCodec } from './record-codecs.ts';
import { InMemorySchemaRegistry } from './schema-registry.ts';

const names = Object.keys(RecordNames) as RecordName[];

describe('record codecs', () => {
  it.each(names)('round-trips the example %s in the single-object encoding', (name) => {
    const codec = createCodec(name);
    const bytes = codec.encode(exampleRecords[name] as never);
    expect([...bytes.subarray(0, 2)]).toEqual([0xc3, 0x01]);
    expect(bytes.subarray(2, 10)).toEqual(codec.fingerprint);
    expect(codec.decode(bytes)).toEqual(exampleRecords[name]);
  });

  it('round-trips a no-fill outcome', () => {
    const codec = createCodec(RecordNames.AuctionOutcome);
    expect(codec.decode(codec.encode(exampleAuctionNoFill))).toEqual(exampleAuctionNoFill);
  });

  it('names the record and exposes its schema', () => {
    const codec = createCodec(RecordNames.BidRequest);
    expect(codec.recordName).toBe('dev.adtrace.BidRequest');
    expect(codec.schema).toBe(currentSchemas.BidRequest);
    expect(codec.format).toBe('single-object');
  });

  it('rejects an invalid value with INVALID_VALUE naming the field', () => {
    const codec = createCodec(RecordNames.Impression);
    const bad = { ...exampleRecords.Impression, priceMicros: 'free' } as never;
    const error = catchError(() => codec.encode(bad));
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ code: 'INVALID_VALUE', retriable: false });
    expect((error as Error).message).toContain('priceMicros');
  });

  it('refuses to encode above maxBytes', () => {
    const codec = createCodec(RecordNames.BidRequest, { maxBytes: 100 });
    expect(catchError(() => codec.encode(exampleRecords.BidRequest))).toMatchObject({ code: 'TOO_LARGE' });
  });

  it('encodes again after the scratch buffer had to grow', () => {
    const codec = createCodec(RecordNames.Alert);
    const big = { ...exampleRecords.Alert, message: 'x'.repeat(20_000) };
    expect(codec.decode(codec.encode(big))).toEqual(big);
    expect(codec.decode(codec.encode(exampleRecords.Alert))).toEqual(exampleRecords.Alert);
  });
});

describe('Confluent framing', () => {
  it('registers the schema under <topic>-value and writes 00 + big-endian id', async () => {
    const registry = new InMemorySchemaRegistry();
    await registry.register('other', JSON.stringify(currentSchemas.Alert)); // takes id 1
    const codec = await openTopicCodec('impressions', { registry });
    const bytes = codec.encode(exampleRecords.Impression);
    expect(codec.format).toBe('confluent');
    expect([...bytes.subarray(0, 5)]).toEqual([0, 0, 0, 0, 2]);
    expect(registry.versions(`${Topics.impressions}-value`)).toEqual([2]);
    expect(codec.decode(bytes)).toEqual(exampleRecords.Impression);
  });

  it('lets a single-object reader and a registry reader read each other', async () => {
    const registry = new InMemorySchemaRegistry();
    const confluent = await openCodec(RecordNames.UserEvent, { registry });
    const plain = createCodec(RecordNames.UserEvent);
    expect(confluent.decode(plain.encode(exampleRecords.UserEvent))).toEqual(exampleRecords.UserEvent);
    // A reader without a registry cannot know what id 1 is.
    expect(catchError(() => plain.decode(confluent.encode(exampleRecords.UserEvent)))).toMatchObject({
      code: 'UNKNOWN_SCHEMA',
    });
  });

  it('reports an unreachable registry as retriable REGISTRY_UNAVAILABLE', async () => {
    const down = {
      register: () => Promise.reject(new Error('connect ECONNREFUSED')),
      schemaById: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    await expect(openCodec(RecordNames.Alert, { registry: down })).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      retriable: true,
    });
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}
