import { createUserKeyer, toBidRequest } from '@adtrace/ads';
import { parseOpenRtbBidRequest } from '@adtrace/schemas';
import { exampleOpenRtbRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { IngestAttr, PiiAttr, piiAttributes, serveAttributes } from './serve-attributes.ts';

const ingest = (raw: unknown) =>
  toBidRequest(parseOpenRtbBidRequest(JSON.stringify(raw)), {
    source: 'test',
    receivedAtMs: 0,
    userKeyOf: createUserKeyer('k'.repeat(32)),
    usdRates: {},
  });
// Personalized: no GDPR, so the user key is made from user.id.
const personal = { ...exampleOpenRtbRequest, regs: { coppa: 0 } };

describe('ads.serve attributes', () => {
  it('name the placement, platform, request id and the user key — never a raw id', () => {
    const ingested = ingest(personal);
    const attrs = serveAttributes(ingested, 'json');
    expect(attrs).toMatchObject({
      [IngestAttr.placement]: 'news.example.com',
      [IngestAttr.platform]: 'site',
      [IngestAttr.userKey]: ingested.userKey.key,
      [IngestAttr.userKeySource]: 'user',
      [IngestAttr.personalized]: true,
      [IngestAttr.test]: false,
    });
    const text = JSON.stringify(attrs);
    for (const raw of [personal.user.id, personal.device.ifa, personal.device.ip]) expect(text).not.toContain(raw);
  });

  it('app traffic is placed by its bundle; a GDPR request without consent says why it is contextual', () => {
    const { site: _, ...noSite } = exampleOpenRtbRequest;
    const attrs = serveAttributes(ingest({ ...noSite, app: { bundle: 'com.example.game' }, user: {} }), 'avro');
    expect(attrs[IngestAttr.placement]).toBe('com.example.game');
    expect(attrs[IngestAttr.platform]).toBe('app');
    expect(attrs[IngestAttr.personalized]).toBe(false);
    expect(attrs[IngestAttr.restrictions]).toContain('gdpr_no_consent_string');
  });
});

describe('ads.ingest.reduce_pii attributes', () => {
  it('list each field by what was done to it and the rule, and hold no value', () => {
    const attrs = piiAttributes(ingest(personal).pii);
    expect(attrs[PiiAttr.hashed]).toEqual(['user.id:user_key_hmac']);
    expect(attrs[PiiAttr.dropped]).toEqual(
      expect.arrayContaining(['user.buyeruid:user_id', 'user.yob:demographics', 'device.ifa:device_id']),
    );
    expect(attrs[PiiAttr.truncated]).toEqual(['device.ip:ipv4_to_24']);
    expect(attrs[PiiAttr.rounded]).toEqual(['device.geo.lat:geo_to_2_decimals', 'device.geo.lon:geo_to_2_decimals']);
    const text = JSON.stringify(attrs);
    for (const raw of [personal.user.id, personal.device.ifa, personal.device.ip, '51.5072']) {
      expect(text).not.toContain(raw);
    }
  });
});
