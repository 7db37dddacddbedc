import { describe, expect, it } from 'vitest';
import { type RecordName, RecordNames } from '../generated/types.ts';
import { piiFields } from './pii-fields.ts';

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
  it.each(Object.keys(RecordNames) as RecordName[])('%s carries no direct PII', (name) => {
    expect(piiFields(name).filter((f) => f.level === 'direct')).toEqual([]);
  });

  it('tags the user key wherever it travels', () => {
    for (const name of Object.keys(RecordNames) as RecordName[]) {
      for (const f of piiFields(name)) expect(f.doc.length).toBeGreaterThan(0);
    }
    expect(piiFields(RecordNames.ProfiledRequest).map((f) => f.path)).toContain('request.userKey');
    expect(piiFields(RecordNames.Impression).map((f) => f.path)).toEqual(['userKey', 'trackingToken']);
  });
});
