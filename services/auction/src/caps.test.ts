import type { CapState } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import { exampleCampaign, exampleImpression } from '@adtrace/schemas/testing';
import type { KeyValueStore } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { capLookup, recordServed } from './caps.ts';

const HOUR = 3_600_000;
const capped: Campaign = { ...exampleCampaign, frequencyCaps: [{ maxImpressions: 2, windowMs: HOUR }] };
const store = (): KeyValueStore<CapState> & { size: () => number } => {
  const m = new Map<string, CapState>();
  return { get: (k) => m.get(k), put: (k, v) => void m.set(k, v), delete: (k) => void m.delete(k), size: () => m.size };
};
const served = (at: number, userKey = exampleImpression.userKey) => ({
  ...exampleImpression,
  userKey,
  eventTimeMs: at,
});

describe('caps', () => {
  it('counts served impressions per user × campaign, each under its own key', () => {
    const s = store();
    expect(recordServed(s, capped, served(1000))).toBe('recorded');
    expect(recordServed(s, capped, served(2000))).toBe('recorded');
    expect(recordServed(s, capped, served(2000, 'u1_other'))).toBe('recorded');
    expect(capLookup(s, exampleImpression.userKey)!(capped.id)).toEqual({ times: [1000, 2000] });
    expect(capLookup(s, 'u1_other')!(capped.id)).toEqual({ times: [2000] });
    expect(capLookup(s, exampleImpression.userKey)!('cmp-other')).toBeUndefined();
  });

  it('keeps nothing for anonymous users, unknown campaigns or campaigns without caps', () => {
    const s = store();
    expect(recordServed(s, capped, served(1000, 'anon_01JWQ8Z6R4C8M5T2V9K3XH7N1D'))).toBe('anonymous');
    expect(recordServed(s, undefined, served(1000))).toBe('unknown_campaign');
    expect(recordServed(s, { ...capped, frequencyCaps: [] }, served(1000))).toBe('uncapped');
    expect(s.size()).toBe(0);
    expect(capLookup(s, 'anon_01JWQ8Z6R4C8M5T2V9K3XH7N1D')).toBeUndefined();
  });
});
