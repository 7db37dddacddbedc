import { describe, expect, it } from 'vitest';
import { canonicalForm } from '../avro/canonical-form.ts';
import { currentSchemas, schemaHistory } from '../generated/schemas.ts';
import type { RecordName } from '../generated/types.ts';
import { exampleRecords } from '../testing/index.ts';
import { createCodec } from './record-codecs.ts';
import { createSchemaCodec } from './schema-codec.ts';

// Records written by producers that still run the previous version of a schema, read by a
// consumer on the current one. Unlike the random round trips, the writer here is never the
// reader: each case fails if the history file is the current schema again, if a field was
// added without a default, or if the codec stopped knowing the old fingerprint.
const previous = (name: RecordName) => schemaHistory[name].at(-2)!;

function omit<T extends object>(value: T, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)));
}

const { BidRequest, Impression, AuctionOutcome, ProfiledRequest, AttributedEvent, RoasWindow } = exampleRecords;
// The example records as version 1 wrote them: without the fields added since.
const bidRequestV1 = { ...omit(BidRequest, 'test'), imp: BidRequest.imp.map((imp) => omit(imp, 'audio', 'native')) };

const cases = [
  {
    name: 'BidRequest' as const,
    written: bidRequestV1,
    expected: { ...BidRequest, test: false, imp: BidRequest.imp.map((imp) => ({ ...imp, audio: null, native: null })) },
  },
  {
    name: 'ProfiledRequest' as const,
    written: { ...ProfiledRequest, request: bidRequestV1 },
    expected: {
      ...ProfiledRequest,
      request: {
        ...ProfiledRequest.request,
        test: false,
        imp: BidRequest.imp.map((i) => ({ ...i, audio: null, native: null })),
      },
    },
  },
  {
    name: 'Impression' as const,
    written: omit(Impression, 'markup', 'impressionUrl', 'clickUrl'),
    expected: { ...Impression, markup: '', impressionUrl: '', clickUrl: '' },
  },
  {
    name: 'AuctionOutcome' as const,
    written: omit(AuctionOutcome, 'test'),
    expected: { ...AuctionOutcome, test: false },
  },
  {
    name: 'AttributedEvent' as const,
    written: omit(
      AttributedEvent,
      'impressionId',
      'touchEventId',
      'touchTimeMs',
      'originalCurrency',
      'originalValueMicros',
      'modelVersion',
    ),
    expected: {
      ...AttributedEvent,
      impressionId: '',
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: 'USD',
      originalValueMicros: 0,
      modelVersion: null,
    },
  },
  {
    name: 'RoasWindow' as const,
    written: omit(
      RoasWindow,
      'generation',
      'currency',
      'lateDropped',
      'clickThroughConversions',
      'viewThroughConversions',
      'clickThroughRevenueMicros',
      'viewThroughRevenueMicros',
    ),
    expected: {
      ...RoasWindow,
      generation: 0,
      currency: 'USD',
      lateDropped: 0,
      clickThroughConversions: 0,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 0,
      viewThroughRevenueMicros: 0,
    },
  },
];

describe('records written with the previous version', () => {
  it.each(cases)('$name: the previous version differs from the current one', ({ name }) => {
    expect(schemaHistory[name].length).toBeGreaterThanOrEqual(2);
    expect(canonicalForm(previous(name))).not.toBe(canonicalForm(currentSchemas[name]));
    expect(canonicalForm(schemaHistory[name].at(-1)!)).toBe(canonicalForm(currentSchemas[name]));
  });

  it.each(cases)(
    '$name: decoded by the current codec, new fields take their defaults',
    ({ name, written, expected }) => {
      const bytes = createSchemaCodec<unknown>(previous(name)).encode(written);
      const reader = createCodec(name);
      expect(bytes.subarray(2, 10).equals(reader.fingerprint)).toBe(false);
      expect(reader.decode(bytes)).toEqual(expected);
    },
  );

  it('Impression written with version 1 (no impressionId, modelVersion, test or markup) reads with their defaults', () => {
    const v1 = schemaHistory.Impression[0]!;
    expect(schemaHistory.Impression.length).toBeGreaterThanOrEqual(3);
    const bytes = createSchemaCodec<unknown>(v1).encode(omit(Impression, 'impressionId', 'modelVersion'));
    expect(createCodec('Impression').decode(bytes)).toEqual({
      ...Impression,
      impressionId: '',
      modelVersion: null,
      test: false,
      markup: '',
      impressionUrl: '',
      clickUrl: '',
    });
  });

  it('the previous version cannot hold the new fields, so the cases above test old bytes', () => {
    expect(() => createSchemaCodec<unknown>(previous('Impression')).encode(Impression)).not.toThrow();
    const old = createSchemaCodec<Record<string, unknown>>(previous('Impression'));
    expect(old.decode(old.encode({ ...Impression }))).not.toHaveProperty('markup');
    const oldRoas = createSchemaCodec<Record<string, unknown>>(previous('RoasWindow'));
    expect(oldRoas.decode(oldRoas.encode({ ...RoasWindow }))).not.toHaveProperty('lateDropped');
  });
});
