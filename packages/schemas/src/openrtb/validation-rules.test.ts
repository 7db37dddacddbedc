import { describe, expect, it } from 'vitest';
import { openTopicCodec } from '../codec/record-codecs.ts';
import { exampleOpenRtbRequest, exampleRawBidRequest } from '../testing/index.ts';
import { parseOpenRtbBidRequest, validateOpenRtbBidRequest } from './parse-bid-request.ts';
import { ValidationError } from './validation-error.ts';

const json = (value: unknown): string => JSON.stringify(value);
const withChanges = (changes: Record<string, unknown>): string => json({ ...exampleOpenRtbRequest, ...changes });
const banner = { format: [{ w: 300, h: 250 }] };

function issuesOf(input: string): string[] {
  try {
    parseOpenRtbBidRequest(input);
  } catch (error: unknown) {
    if (error instanceof ValidationError) return error.issues.map((i) => i.message);
    throw error;
  }
  throw new Error('expected a ValidationError');
}

// One broken rule at a time, on an otherwise valid realistic request: the message names the field and the rule.
describe('OpenRTB required rules', () => {
  it.each([
    ['a missing id', { id: undefined }, 'id is required'],
    ['an empty id', { id: '' }, 'id must not be empty'],
    ['a numeric id', { id: 42 }, 'id must be a string'],
    ['a missing imp', { imp: undefined }, 'imp is required'],
    ['an imp object', { imp: { id: '1', banner } }, 'imp must be an array'],
    ['an empty imp', { imp: [] }, 'imp must have at least one impression'],
    ['an imp without id', { imp: [{ banner }] }, 'imp[0].id is required'],
    ['a numeric imp id', { imp: [{ id: 1, banner }] }, 'imp[0].id must be a string'],
    [
      'repeated imp ids',
      {
        imp: [
          { id: 'a', banner },
          { id: 'a', video: { mimes: ['video/mp4'] } },
        ],
      },
      'imp ids must be unique (a repeats)',
    ],
    ['site and app', { app: { bundle: 'x' } }, 'at most one of site, app, dooh'],
    ['site and dooh', { dooh: { id: 'screen-1' } }, 'at most one of site, app, dooh'],
    [
      'a currency that is not a code',
      { imp: [{ id: '1', banner, bidfloorcur: 'dollars' }] },
      'imp[0].bidfloorcur must be an ISO-4217 code like USD',
    ],
    [
      'an imp with nothing to serve',
      { imp: [{ id: '1' }] },
      'imp[0] must offer a format: banner with a size or format, video with mimes, audio or native',
    ],
    [
      'a banner without a size',
      { imp: [{ id: '1', banner: { pos: 1 } }] },
      'imp[0] must offer a format: banner with a size or format, video with mimes, audio or native',
    ],
    [
      'a video without mimes',
      { imp: [{ id: '1', video: { w: 640, h: 360 } }] },
      'imp[0] must offer a format: banner with a size or format, video with mimes, audio or native',
    ],
    ['an unknown auction type', { at: 3 }, 'at must be 1 (first price) or 2 (second price)'],
    ['an exchange-specific auction type', { at: 501 }, 'at must be 1 (first price) or 2 (second price)'],
    ['a string auction type', { at: '2' }, 'at must be 1 (first price) or 2 (second price)'],
  ])('refuses %s', (_, changes, message) => {
    expect(issuesOf(withChanges(changes))).toEqual([message]);
  });

  it('reports every issue at once, with its path and rule', () => {
    try {
      parseOpenRtbBidRequest(
        json({
          imp: [
            { id: 'a', bidfloor: -2 },
            { id: 'a', banner },
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
        ['imp', 'unique'],
      ]);
      expect(e.message).toMatch(/^invalid OpenRTB bid request: at most one of site, app, dooh; id is required; /);
    }
  });

  it.each([
    ['banner with w and h', { banner: { w: 300, h: 250 } }],
    ['banner with format', { banner }],
    ['video with mimes', { video: { mimes: ['video/mp4'] } }],
    ['audio', { audio: { mimes: ['audio/mp4'] } }],
    ['native', { native: { request: '{"ver":"1.2","assets":[]}', ver: '1.2' } }],
    ['banner and video', { banner, video: { mimes: ['video/mp4'] } }],
  ])('accepts an imp offering %s', (_, formats) => {
    const request = parseOpenRtbBidRequest(withChanges({ imp: [{ id: '1', ...formats }] }));
    expect(Object.keys(request.imp[0]!)).toEqual(expect.arrayContaining(Object.keys(formats)));
    expect(request.fixes).toEqual([]);
  });

  it('accepts at 1 and defaults at to 2', () => {
    expect(parseOpenRtbBidRequest(withChanges({ at: 1 })).at).toBe(1);
    expect(parseOpenRtbBidRequest(withChanges({ at: undefined })).at).toBe(2);
  });
});

function parsed(changes: Record<string, unknown>) {
  const request = parseOpenRtbBidRequest(withChanges(changes));
  return { request, fixes: request.fixes.map((f) => `${f.action} ${f.path} (${f.rule})`) };
}

// A malformed optional field must not cost the whole request: it is dropped or normalized and reported.
describe('malformed optional fields', () => {
  it.each([
    [
      'a lower-case currency',
      { imp: [{ id: '1', banner, bidfloor: 2, bidfloorcur: 'usd' }] },
      'normalized imp[0].bidfloorcur (format)',
    ],
    ['an empty ip', { device: { ip: '' } }, 'dropped device.ip (format)'],
    ['a bad ip', { device: { ip: '999.1.1.1' } }, 'dropped device.ip (format)'],
    ['an IPv6 address in ip', { device: { ip: '2001:db8:85a3::8a2e:370:7334' } }, 'normalized device.ip (format)'],
    ['a string gdpr flag', { regs: { gdpr: '1' } }, 'normalized regs.gdpr (type)'],
    ['a gdpr flag of 2', { regs: { gdpr: 2 } }, 'dropped regs.gdpr (range)'],
    ['a latitude of 91', { device: { geo: { lat: 91, lon: 10 } } }, 'dropped device.geo.lat (range)'],
    ['a negative floor', { imp: [{ id: '1', banner, bidfloor: -1 }] }, 'dropped imp[0].bidfloor (range)'],
    ['a string floor', { imp: [{ id: '1', banner, bidfloor: '1.5' }] }, 'dropped imp[0].bidfloor (type)'],
    [
      'a bad banner size',
      {
        imp: [
          {
            id: '1',
            banner: {
              format: [
                { w: 0, h: 50 },
                { w: 300, h: 250 },
              ],
            },
          },
        ],
      },
      'dropped imp[0].banner.format[0].w (range)',
    ],
    ['a non-string in bcat', { bcat: ['IAB1', 7] }, 'dropped bcat[1] (type)'],
    ['device as a string', { device: 'iphone' }, 'dropped device (type)'],
    ['a string test flag', { test: '1' }, 'normalized test (type)'],
    [
      'a sizeless banner beside a video',
      { imp: [{ id: '1', banner: {}, video: { mimes: ['video/mp4'] } }] },
      'dropped imp[0].banner (required)',
    ],
    [
      'a native request as an object',
      { imp: [{ id: '1', native: { request: { ver: '1.2', assets: [] } } }] },
      'normalized imp[0].native.request (type)',
    ],
  ])('goes on with %s', (_, changes, fix) => {
    expect(parsed(changes).fixes).toEqual([fix]);
  });

  it('applies the normalization and reports names, never values', () => {
    const { request } = parsed({
      imp: [{ id: '1', banner, bidfloor: 2, bidfloorcur: 'eur' }],
      device: { ip: '2001:db8:85a3::8a2e:370:7334', geo: { lat: 91, lon: 10.5 } },
      regs: { gdpr: '1', coppa: 0 },
      test: 1,
    });
    expect(request.imp[0]).toMatchObject({ bidfloor: 2, bidfloorcur: 'EUR' });
    expect(request.device).toEqual({ ipv6: '2001:db8:85a3::8a2e:370:7334', geo: { lon: 10.5 } });
    expect(request.regs.gdpr).toBe(true);
    expect(request.test).toBe(true);
    expect(request.fixes.map((f) => f.field)).toEqual(['imp.bidfloorcur', 'device.ip', 'device.geo.lat', 'regs.gdpr']);
    expect(JSON.stringify(request.fixes)).not.toMatch(/2001:db8|91|eur/);
  });

  it('carries a native-only imp', () => {
    const { request } = parsed({ imp: [{ id: 'n1', native: { request: '{"assets":[]}', ver: '1.2' } }] });
    expect(request.imp).toEqual([
      { id: 'n1', native: { request: '{"assets":[]}', ver: '1.2' }, bidfloor: 0, bidfloorcur: 'USD' },
    ]);
  });
});

describe('the Avro RawBidRequest', () => {
  it('is the contract of the raw topic and validates to the same request as the JSON', async () => {
    const codec = await openTopicCodec('bidRequestsRaw');
    const decoded = codec.decode(codec.encode(exampleRawBidRequest));
    expect(validateOpenRtbBidRequest(decoded)).toEqual(parseOpenRtbBidRequest(json(exampleOpenRtbRequest)));
  });

  it('is held to the same rules', async () => {
    const codec = await openTopicCodec('bidRequestsRaw');
    const decoded = codec.decode(codec.encode({ ...exampleRawBidRequest, at: 3 }));
    expect(() => validateOpenRtbBidRequest(decoded)).toThrow(/at must be 1 \(first price\) or 2 \(second price\)/);
  });
});
