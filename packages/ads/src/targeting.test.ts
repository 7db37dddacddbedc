import { describe, expect, it } from 'vitest';
import { domainMatches, impFormatKeys, matchCampaign, targetingContext } from './targeting.ts';
import { ad, bannerImp, campaign, NOW, noTargeting, profile, request, videoImp } from './test-fixtures.ts';

const ctx = targetingContext(request(), profile); // GBR, device type 4, iOS, news.example.com
const matches = (t: Partial<typeof noTargeting>, over = {}) =>
  matchCampaign(campaign('c', [ad('a')], { targeting: { ...noTargeting, ...t }, ...over }), ctx, NOW).matched;

describe('campaign targeting', () => {
  it('no criteria match any request', () => expect(matches({})).toBe(true));

  it('geo: countries and regions', () => {
    expect(matches({ countries: ['GBR', 'USA'] })).toBe(true);
    expect(matches({ countries: ['USA'] })).toBe(false);
    expect(matches({ geoRegions: ['GBR-LND'] })).toBe(true);
    expect(matches({ geoRegions: ['USA-CA'] })).toBe(false);
  });

  it('device type and OS (case-insensitive)', () => {
    expect(matches({ deviceTypes: [4, 5] })).toBe(true);
    expect(matches({ deviceTypes: [2] })).toBe(false);
    expect(matches({ os: ['ios'] })).toBe(true);
    expect(matches({ os: ['Android'] })).toBe(false);
  });

  it('segments: any qualifies, an excluded one disqualifies, and a segment match is reported', () => {
    const c = campaign('c', [ad('a')], { targeting: { ...noTargeting, segments: ['x', 'seg-high-intent-travel'] } });
    expect(matchCampaign(c, ctx, NOW)).toEqual({ matched: true, segmentMatched: true });
    expect(matches({ segments: ['seg-parents'] })).toBe(false);
    expect(matches({ excludedSegments: ['seg-high-intent-travel'] })).toBe(false);
  });

  it('age brackets', () => {
    expect(matches({ ageBrackets: ['AGE_25_34'] })).toBe(true);
    expect(matches({ ageBrackets: ['AGE_65_PLUS'] })).toBe(false);
  });

  it('placement: a domain or its subdomains, not a look-alike', () => {
    expect(matches({ domains: ['example.com'] })).toBe(true);
    expect(matches({ domains: ['other.example'] })).toBe(false);
    expect(domainMatches('badexample.com', 'example.com')).toBe(false);
  });

  it('an unknown request value fails a list that constrains it', () => {
    const noGeo = targetingContext(request({ device: null }), { ...profile, geoRegion: null });
    const c = campaign('c', [ad('a')], { targeting: { ...noTargeting, countries: ['GBR'] } });
    expect(matchCampaign(c, noGeo, NOW).matched).toBe(false);
  });

  it('inactive or outside its flight dates: no match', () => {
    expect(matches({}, { active: false })).toBe(false);
    expect(matches({}, { startMs: NOW + 1 })).toBe(false);
    expect(matches({}, { endMs: NOW })).toBe(false);
    expect(matches({}, { startMs: NOW, endMs: NOW + 1 })).toBe(true);
  });
});

describe('formats an imp offers', () => {
  it('banner sizes and video with a playable MIME type; multi-format imps offer both', () => {
    expect(impFormatKeys(bannerImp)).toEqual(['b300x250']);
    expect(impFormatKeys(videoImp)).toEqual(['video']);
    expect(impFormatKeys({ ...videoImp, video: { ...videoImp.video!, mimes: ['video/webm'] } })).toEqual([]);
    expect(impFormatKeys({ ...bannerImp, video: videoImp.video })).toEqual(['b300x250', 'video']);
  });
});
