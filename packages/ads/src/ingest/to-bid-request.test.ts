import { createCodec, parseOpenRtbBidRequest, RecordNames } from '@adtrace/schemas';
import { exampleOpenRtbRequest } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { deriveEventId } from '../identity/event-id.ts';
import { createUserKeyer } from '../identity/user-key.ts';
import { gppString, tcString } from './consent-strings.test-data.ts';
import { IngestError } from './ingest-error.ts';
import { type IngestOptions, toBidRequest } from './to-bid-request.ts';

const options: IngestOptions = {
  source: 'exchange-a',
  receivedAtMs: Date.UTC(2026, 10, 26),
  userKeyOf: createUserKeyer('s'.repeat(32)),
  usdRates: { EUR: 1.08 },
};
const granted = tcString([1, 2, 3, 4]);
const parse = (changes: Record<string, unknown> = {}) =>
  parseOpenRtbBidRequest(JSON.stringify({ ...exampleOpenRtbRequest, ...changes }));
const withConsent = (consent: string) => parse({ user: { ...exampleOpenRtbRequest.user, ext: { consent } } });

// The raw identifiers of the example exchange request.
const RAW = [
  exampleOpenRtbRequest.user.id,
  exampleOpenRtbRequest.user.buyeruid,
  exampleOpenRtbRequest.device.ifa,
  exampleOpenRtbRequest.device.ip,
];

describe('toBidRequest', () => {
  it('makes a BidRequest that encodes and holds none of the raw identifiers', () => {
    const { request, userKey, consent } = toBidRequest(withConsent(granted), options);
    expect(consent.personalized).toBe(true);
    expect(userKey.source).toBe('user');
    const bytes = createCodec(RecordNames.BidRequest).encode(request);
    for (const value of RAW) expect(bytes.includes(Buffer.from(value)), value).toBe(false);
    const exactLat = Buffer.alloc(8);
    exactLat.writeDoubleLE(exampleOpenRtbRequest.device.geo.lat);
    expect(bytes.includes(exactLat)).toBe(false);
    expect(request.device).toMatchObject({ ip: '203.0.113.0', geo: { lat: 51.51, lon: -0.13 } });
  });

  it('derives the event id from source and request id, so a duplicate is the same event', () => {
    const a = toBidRequest(withConsent(granted), options);
    const b = toBidRequest(withConsent(granted), { ...options, receivedAtMs: options.receivedAtMs + 5_000 });
    expect(a.request.eventId).toBe(deriveEventId('exchange-a', exampleOpenRtbRequest.id));
    expect(b.request.eventId).toBe(a.request.eventId);
    expect(b.request.userKey).toBe(a.request.userKey);
  });

  it('is contextual without consent: keyed by the event, user id dropped, not hashed', () => {
    const { request, userKey, consent, pii } = toBidRequest(withConsent(tcString([1])), options);
    expect(consent).toEqual({ personalized: false, restrictions: ['gdpr_no_purpose_4'] });
    expect(userKey).toEqual({ key: `anon_${request.eventId}`, source: 'anonymous' });
    expect(request.userKey).toBe(userKey.key);
    expect(pii).toContainEqual({ field: 'user.id', action: 'dropped', rule: 'user_id' });
  });

  it('is contextual under a GPP opt-out or COPPA', () => {
    const optOut = gppString('usnat', { SaleOptOutNotice: 1, SaleOptOut: 1 });
    expect(toBidRequest(parse({ regs: { gpp: optOut, gpp_sid: [7] } }), options).userKey.source).toBe('anonymous');
    const coppa = toBidRequest(parse({ regs: { coppa: 1 } }), options);
    expect(coppa.userKey.source).toBe('anonymous');
    expect(coppa.request.device?.geo).toMatchObject({ city: null, zip: null });
  });

  it('converts floors to USD and refuses a currency without a rate', () => {
    const imp = [{ id: '1', banner: { w: 300, h: 250 }, bidfloor: 2, bidfloorcur: 'eur' }];
    const { request, fixes } = toBidRequest(parse({ imp }), options);
    expect(request.imp[0]).toMatchObject({
      bidfloorMicros: 2_160_000,
      bidfloorcur: 'USD',
      banner: { format: [{ w: 300, h: 250 }] },
    });
    expect(fixes.map((f) => f.field)).toEqual(['imp.bidfloorcur']);
    const chf = parse({ imp: [{ ...imp[0], bidfloorcur: 'CHF' }] });
    expect(() => toBidRequest(chf, options)).toThrow(IngestError);
    expect(() => toBidRequest(chf, options)).toThrow('imp[0].bidfloorcur CHF has no USD rate configured');
  });

  it('carries native imps and the test flag', () => {
    const imp = [{ id: 'n', native: { request: '{"assets":[]}', ver: '1.2' } }];
    const { request } = toBidRequest(parse({ imp, test: 1 }), options);
    expect(request.test).toBe(true);
    expect(request.imp[0]).toMatchObject({
      native: { request: '{"assets":[]}', ver: '1.2' },
      banner: null,
      video: null,
    });
    expect(createCodec(RecordNames.BidRequest).decode(createCodec(RecordNames.BidRequest).encode(request))).toEqual(
      request,
    );
  });
});
