import { describe, expect, it } from 'vitest';
import { MalformedTokenError } from './token-errors.ts';
import { decodeClaims, encodeClaims } from './token-payload.ts';
import type { TrackingClaims } from './tracking-token.ts';

const EVENT = '5b4016fe-1f73-8207-a27e-4a0ac7ded783';
const base: TrackingClaims = {
  impressionId: `${EVENT}.1`,
  eventId: EVENT,
  campaignId: 'cmp-0215',
  adId: 'ad-0215-7',
  userKey: `anon_${EVENT}`,
  clearingPriceCpmMicros: 40_823_437,
  traceparent: '00-711c9900d21ead3783995da6bdfeae6c-89172b288808380a-01',
  expiresAtMs: 1_796_434_092_817,
};

describe('a t2 token payload', () => {
  // Each shape the compact forms cover, and each they do not, comes back exactly.
  it.each<[string, Partial<TrackingClaims>]>([
    ["the pipeline's shapes", {}],
    ['a hashed user key', { userKey: `u1_${'aZ09_-'.repeat(5)}xy` }],
    ['a hashed device key', { userKey: `d1_${'-'.repeat(32)}` }],
    ['a user key of another shape', { userKey: 'u1_short' }],
    ["another event's anonymous key", { userKey: 'anon_someone-else' }],
    ['an event id that is not a lower-case UUID', { eventId: EVENT.toUpperCase(), impressionId: 'imp-9' }],
    ['an impression id not of its event', { impressionId: 'elsewhere.1' }],
    ['an impression id of its event with an empty suffix', { impressionId: `${EVENT}.` }],
    ['a traceparent of another version', { traceparent: 'ff-711c9900d21ead3783995da6bdfeae6c-89172b288808380a-01' }],
    ['an upper-case traceparent', { traceparent: base.traceparent.toUpperCase() }],
    ['text beyond ASCII', { campaignId: 'cmp-é-🚀', adId: '' }],
    ['zero and the largest safe integer', { clearingPriceCpmMicros: 0, expiresAtMs: Number.MAX_SAFE_INTEGER }],
    ['numbers past 2^32', { clearingPriceCpmMicros: 2 ** 40 + 3 }],
  ])('round-trips %s', (_name, change) => {
    const claims = { ...base, ...change };
    expect(decodeClaims(encodeClaims(claims))).toEqual(claims);
  });

  it('takes 73 bytes for an anonymous impression of the pipeline (the t1 JSON of it, key id "local": 273 characters)', () => {
    expect(encodeClaims(base).length).toBe(73);
  });

  it('refuses a price or expiry that is not a non-negative safe integer', () => {
    expect(() => encodeClaims({ ...base, clearingPriceCpmMicros: -1 })).toThrow(/clearingPriceCpmMicros/);
    expect(() => encodeClaims({ ...base, expiresAtMs: 1.5 })).toThrow(/expiresAtMs/);
  });

  it('refuses every cut of a payload, and bytes past it, as malformed', () => {
    const bytes = encodeClaims({ ...base, userKey: 'u1_text-form' });
    for (let n = 0; n < bytes.length; n++) {
      expect(() => decodeClaims(bytes.subarray(0, n))).toThrow(MalformedTokenError);
    }
    expect(() => decodeClaims(Buffer.concat([bytes, Buffer.from([1])]))).toThrow(/past its claims/);
  });
});
