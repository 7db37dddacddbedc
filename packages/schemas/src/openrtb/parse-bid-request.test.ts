import { describe, expect, it } from 'vitest';
import { exampleOpenRtbRequest } from '../testing/index.ts';
import { parseOpenRtbBidRequest, validateOpenRtbBidRequest } from './parse-bid-request.ts';

const json = (value: unknown): string => JSON.stringify(value);
const withChanges = (changes: Record<string, unknown>): string => json({ ...exampleOpenRtbRequest, ...changes });

describe('parseOpenRtbBidRequest', () => {
  it('parses a realistic request, ignoring extensions and unknown fields', () => {
    const request = parseOpenRtbBidRequest(json(exampleOpenRtbRequest));
    expect(request.id).toBe(exampleOpenRtbRequest.id);
    expect(request.imp).toEqual([
      {
        id: '1',
        banner: {
          format: [
            { w: 300, h: 250 },
            { w: 320, h: 50 },
          ],
          pos: 1,
        },
        bidfloor: 1.25,
        bidfloorcur: 'USD',
        tagid: 'homepage-mrec-1',
      },
      {
        id: '2',
        video: { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2, 3], plcmt: 1 },
        bidfloor: 4,
        bidfloorcur: 'USD',
      },
    ]);
    expect(request.site).toMatchObject({ domain: 'news.example.com', publisher: { id: 'pub-8841' } });
    expect(request.device).toMatchObject({ ip: '203.0.113.77', ifa: exampleOpenRtbRequest.device.ifa, devicetype: 4 });
    expect(request.device?.geo).toEqual({
      lat: 51.5072,
      lon: -0.1276,
      country: 'GBR',
      region: 'GB-LND',
      city: 'London',
      zip: 'EC1A 1BB',
    });
    // OpenRTB 2.5 extensions still read: user.ext.consent, regs.ext.gdpr.
    expect(request.user).toEqual({
      id: 'exchange-user-8f2a',
      buyeruid: 'dsp-uid-77',
      yob: 1990,
      consent: exampleOpenRtbRequest.user.ext.consent,
    });
    expect(request.regs).toEqual({ coppa: false, gdpr: true, gpp_sid: [] });
    expect(request.user).not.toHaveProperty('eids');
    expect(request).toMatchObject({
      test: false,
      fixes: [],
      at: 2,
      tmax: 120,
      cur: ['USD'],
      bcat: ['IAB25', 'IAB26'],
      badv: ['competitor.example'],
    });
    expect(request).not.toHaveProperty('source');
  });

  it('applies the defaults of the spec to a minimal request', () => {
    const request = parseOpenRtbBidRequest(
      Buffer.from(json({ id: 'r', imp: [{ id: '1', banner: { w: 320, h: 50 } }] })),
    );
    expect(request).toEqual({
      id: 'r',
      imp: [{ id: '1', banner: { format: [], w: 320, h: 50 }, bidfloor: 0, bidfloorcur: 'USD' }],
      regs: { coppa: false, gpp_sid: [] },
      at: 2,
      test: false,
      cur: [],
      bcat: [],
      badv: [],
      fixes: [],
    });
  });

  it('refuses a request above the size limit before parsing it', () => {
    const big = withChanges({ badv: Array.from({ length: 5000 }, (_, i) => `advertiser-${i}.example`) });
    expect(() => parseOpenRtbBidRequest(big)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(parseOpenRtbBidRequest(big, { maxBytes: 1 << 20 }).badv).toHaveLength(5000);
    expect(() => parseOpenRtbBidRequest(json(exampleOpenRtbRequest), { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'TOO_LARGE' }),
    );
  });

  it.each([['{"id":'], ['not json'], [''], ['{"id":"x"'], ['['.repeat(100_000)]])(
    'rejects malformed JSON %#',
    (text) => {
      expect(() => parseOpenRtbBidRequest(text, { maxBytes: 1 << 20 })).toThrow(
        expect.objectContaining({ code: 'INVALID_JSON' }),
      );
    },
  );

  it.each([[null], [[]], ['"string"'], [42]])('rejects a JSON %j that is not an object', (value) => {
    expect(() => validateOpenRtbBidRequest(value)).toThrow(expect.objectContaining({ code: 'INVALID_OPENRTB' }));
  });

  it('counts the size of a string in UTF-8 bytes', () => {
    const text = json({ id: 'é'.repeat(40_000), imp: [{ id: '1', banner: { w: 1, h: 1 } }] });
    expect(text.length).toBeLessThan(64 * 1024);
    expect(() => parseOpenRtbBidRequest(text)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});
