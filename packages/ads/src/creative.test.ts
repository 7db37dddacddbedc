import { describe, expect, it } from 'vitest';
import { prepareCreative } from './creative.ts';
import { ad, bannerImp, videoImp } from './test-fixtures.ts';

const tracking = { baseUrl: 'https://t.adtrace.example/', token: 'v1.k2.abc+/=&"' };

describe('ads.prepare_creative', () => {
  it('a banner: URLs carry the token, percent-encoded; markup escapes them for HTML attributes', () => {
    const banner = ad('b', {}, { markup: '<a href="{CLICK_URL}"><img src="x.png"></a><img src="{IMP_URL}">' });
    const p = prepareCreative(banner, bannerImp, tracking);
    const t = encodeURIComponent(tracking.token);
    expect(p.impressionUrl).toBe(`https://t.adtrace.example/imp?t=${t}`);
    expect(p.clickUrl).toBe(`https://t.adtrace.example/click?t=${t}&r=${encodeURIComponent(banner.creative.clickUrl)}`);
    expect(p.markup).toContain(`src="${p.impressionUrl}"`);
    expect(p.markup).toContain(`href="${p.clickUrl.replaceAll('&', '&amp;')}"`);
    expect(p.markup).not.toMatch(/\{(IMP|CLICK)_URL\}/);
    expect(p.attributes).toEqual({
      'creative.id': 'cr-b',
      'creative.type': 'BANNER',
      'creative.format': '300x250',
      'creative.markup_type': 'html',
    });
  });

  it('a video: VAST with the URLs in CDATA, sized to the player', () => {
    const video = ad(
      'v',
      {},
      {
        format: 'VIDEO',
        w: 640,
        h: 360,
        markup:
          '<VAST><Impression><![CDATA[{IMP_URL}]]></Impression><ClickThrough><![CDATA[{CLICK_URL}]]></ClickThrough></VAST>',
      },
    );
    const p = prepareCreative(video, { ...videoImp, video: { ...videoImp.video!, w: 1280, h: 720 } }, tracking);
    expect(p.markup).toContain(`<![CDATA[${p.impressionUrl}]]>`);
    expect(p.markup).toContain(`<![CDATA[${p.clickUrl}]]>`);
    expect(p.attributes).toMatchObject({
      'creative.type': 'VIDEO',
      'creative.format': '1280x720',
      'creative.markup_type': 'vast',
    });
  });

  it('refuses a creative that does not fit the imp', () => {
    expect(() => prepareCreative(ad('b'), videoImp, tracking)).toThrow(/does not fit imp v/);
  });
});
