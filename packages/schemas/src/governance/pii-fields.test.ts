import { describe, expect, it } from 'vitest';
import { createCodec } from '../codec/record-codecs.ts';
import { type RecordName, RecordNames } from '../generated/types.ts';
import { exampleRecords } from '../testing/index.ts';
import { piiFields } from './pii-fields.ts';

// Records of the pipeline, after ingest: all but what upstream writes to the raw topics.
const PIPELINE_RECORDS = (Object.keys(RecordNames) as RecordName[]).filter((n) => n !== RecordNames.RawBidRequest);

describe('piiFields', () => {
  it('lists the tagged fields of BidRequest with their paths', () => {
    expect(piiFields(RecordNames.BidRequest).map((f) => `${f.path}:${f.level}`)).toEqual([
      'site.page:indirect',
      'device.ua:indirect',
      'device.ip:indirect',
      'device.geo.lat:indirect',
      'device.geo.lon:indirect',
      'device.geo.city:indirect',
      'device.geo.zip:indirect',
      'device.geo.metro:indirect',
      'userKey:indirect',
      'regs.consent:indirect',
      'regs.gpp:indirect',
    ]);
  });

  it('follows nested records, arrays and maps', () => {
    const fields = piiFields({
      type: 'record',
      name: 'R',
      fields: [
        {
          name: 'people',
          type: {
            type: 'array',
            items: { type: 'record', name: 'P', fields: [{ name: 'email', type: 'string', pii: 'direct', doc: 'e' }] },
          },
        },
        { name: 'byId', type: { type: 'map', values: 'P' } },
      ],
    });
    expect(fields).toEqual([
      { path: 'people[].email', level: 'direct', doc: 'e' },
      { path: 'byId{}.email', level: 'direct', doc: 'e' },
    ]);
  });

  it('rejects an unknown pii level', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'x', type: 'string', pii: 'maybe' }] };
    expect(() => piiFields(schema)).toThrow(/pii must be one of/);
  });

  // Ingest reduces PII, so nothing downstream may carry a field that identifies a person alone.
  it.each(PIPELINE_RECORDS)('%s carries no direct PII', (name) => {
    expect(piiFields(name).filter((f) => f.level === 'direct')).toEqual([]);
  });
});

// The tags above are claims; these check data. The raw identifiers of the example exchange
// request (the values of its direct-tagged fields) are searched for in the encoded bytes of
// every example record.
const raw = exampleRecords.RawBidRequest;
const rawValues = piiFields(RecordNames.RawBidRequest)
  .filter((f) => f.level === 'direct')
  .map((f) => [f.path, valueAt(raw, f.path)] as const)
  .filter(([, v]) => v !== null && v !== undefined);

function valueAt(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | null)?.[key], value);
}

/** How a value appears in Avro bytes: strings as UTF-8, doubles as 8 bytes little-endian. */
function bytesOf(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value as number);
  return b;
}

describe('encoded records', () => {
  it('the raw request holds raw identifiers in every direct-tagged field the example sets', () => {
    expect(rawValues.map(([path]) => path)).toEqual([
      'device.ip',
      'device.geo.lat',
      'device.geo.lon',
      'device.ifa',
      'user.id',
      'user.buyeruid',
    ]);
    const bytes = createCodec(RecordNames.RawBidRequest).encode(raw);
    for (const [path, value] of rawValues) expect(bytes.includes(bytesOf(value)), path).toBe(true);
  });

  it.each(PIPELINE_RECORDS)('an encoded %s holds none of the raw identifiers', (name) => {
    const bytes = createCodec(name).encode(exampleRecords[name] as never);
    const found = rawValues.filter(([, value]) => bytes.includes(bytesOf(value))).map(([path]) => path);
    expect(found).toEqual([]);
  });

  it('tags the user key wherever it travels', () => {
    for (const name of Object.keys(RecordNames) as RecordName[]) {
      for (const f of piiFields(name)) expect(f.doc.length).toBeGreaterThan(0);
    }
    expect(piiFields(RecordNames.ProfiledRequest).map((f) => f.path)).toContain('request.userKey');
    expect(piiFields(RecordNames.Impression).map((f) => f.path)).toEqual([
      'userKey',
      'trackingToken',
      'impressionUrl',
      'clickUrl',
    ]);
  });
});
