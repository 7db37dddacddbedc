import { describe, expect, it } from 'vitest';
import { exampleOpenRtbRequest } from '../testing/index.ts';
import { parseOpenRtbBidRequest, validateOpenRtbBidRequest } from './parse-bid-request.ts';
import { ValidationError } from './validation-error.ts';

const json = (value: unknown): string => JSON.stringify(value);
const withChanges = (changes: Record<string, unknown>): string => json({ ...exampleOpenRtbRequest, ...changes });

function issuesOf(input: string): string[] {
  try {
    parseOpenRtbBidRequest(input);
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.message);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

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
        audio: false,
        native: false,
        bidfloor: 1.25,
        bidfloorcur: 'USD',
        tagid: 'homepage-mrec-1',
      },
      {
        id: '2',
        video: { mimes: ['video/mp4'], minduration: 5, maxduration: 30, w: 640, h: 360, protocols: [2, 3], plcmt: 1 },
        audio: false,
        native: false,
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
      consent: exampleOpenRtbRequest.user.ext.consent,
    });
    expect(request.regs).toEqual({ coppa: false, gdpr: true, gpp_sid: [] });
    expect(request).toMatchObject({
      at: 2,
      tmax: 120,
      cur: ['USD'],
      bcat: ['IAB25', 'IAB26'],
      badv: ['competitor.example'],
    });
    expect(request).not.toHaveProperty('source');
  });

  it('applies the defaults of the spec to a minimal request', () => {
    const request = parseOpenRtbBidRequest(Buffer.from(json({ id: 'r', imp: [{ id: '1', banner: {} }] })));
    expect(request).toEqual({
      id: 'r',
      imp: [{ id: '1', banner: { format: [] }, audio: false, native: false, bidfloor: 0, bidfloorcur: 'USD' }],
      regs: { coppa: false, gpp_sid: [] },
      at: 2,
      cur: [],
      bcat: [],
      badv: [],
    });
  });

  it.each([
    ['a missing id', { id: undefined }, 'id is required'],
    ['an empty id', { id: '' }, 'id must not be empty'],
    ['a missing imp', { imp: undefined }, 'imp is required'],
    ['an empty imp', { imp: [] }, 'imp must have at least one impression'],
    ['an imp without id', { imp: [{ banner: {} }] }, 'imp[0].id is required'],
    ['a numeric imp id', { imp: [{ id: 1, banner: {} }] }, 'imp[0].id must be a string'],
    [
      'repeated imp ids',
      {
        imp: [
          { id: 'a', banner: {} },
          { id: 'a', video: {} },
        ],
      },
      'imp ids must be unique (a repeats)',
    ],
    ['site and app', { app: { bundle: 'x' } }, 'at most one of site, app, dooh'],
    [
      'a negative floor',
      { imp: [{ id: '1', banner: {}, bidfloor: -1 }] },
      'imp[0].bidfloor must be a non-negative number',
    ],
    [
      'a string floor',
      { imp: [{ id: '1', banner: {}, bidfloor: '1.5' }] },
      'imp[0].bidfloor must be a non-negative number',
    ],
    [
      'a bad currency',
      { imp: [{ id: '1', banner: {}, bidfloorcur: 'dollars' }] },
      'imp[0].bidfloorcur must be an ISO-4217 code like USD',
    ],
    ['an imp with nothing to serve', { imp: [{ id: '1' }] }, 'imp[0] must have one of banner, video, audio, native'],
    [
      'a bad banner size',
      { imp: [{ id: '1', banner: { format: [{ w: 0, h: 50 }] } }] },
      'imp[0].banner.format[0].w must be a positive integer',
    ],
    ['a bad ip', { device: { ip: '999.1.1.1' } }, 'device.ip must be an IPv4 address'],
    ['a bad latitude', { device: { geo: { lat: 123 } } }, 'device.geo.lat must be a latitude between -90 and 90'],
    ['a bad gdpr flag', { regs: { gdpr: 2 } }, 'regs.gdpr must be 0 or 1'],
    ['a bad auction type', { at: 0 }, 'at must be a positive integer'],
    ['a non-string in bcat', { bcat: ['IAB1', 7] }, 'bcat[1] must be a string'],
    ['device as a string', { device: 'iphone' }, 'device must be an object'],
  ])('rejects %s', (_, changes, message) => {
    expect(issuesOf(withChanges(changes))).toEqual([message]);
  });

  it('reports every issue at once, with its path and rule', () => {
    try {
      parseOpenRtbBidRequest(
        json({
          imp: [
            { id: 'a', bidfloor: -2 },
            { id: 'a', banner: {} },
          ],
          app: {},
          site: {},
        }),
      );
      expect.unreachable();
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ValidationError);
      const e = error as ValidationError;
      expect(e.code).toBe('INVALID_OPENRTB');
      expect(e.issues.map((i) => [i.path, i.rule])).toEqual([
        ['', 'exclusive'],
        ['id', 'required'],
        ['imp[0]', 'required'],
        ['imp[0].bidfloor', 'range'],
        ['imp', 'unique'],
      ]);
      expect(e.message).toMatch(/^invalid OpenRTB bid request: at most one of site, app, dooh; id is required; /);
    }
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
    const text = json({ id: 'é'.repeat(40_000), imp: [{ id: '1', banner: {} }] });
    expect(text.length).toBeLessThan(64 * 1024);
    expect(() => parseOpenRtbBidRequest(text)).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
  });
});
