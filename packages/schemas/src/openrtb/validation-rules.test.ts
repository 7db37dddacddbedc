import { describe, expect, it } from 'vitest';
import { exampleOpenRtbRequest } from '../testing/index.ts';
import { parseOpenRtbBidRequest } from './parse-bid-request.ts';
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

// One broken rule at a time, on an otherwise valid realistic request: the message names the field and the rule.
describe('OpenRTB validation rules', () => {
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
});
