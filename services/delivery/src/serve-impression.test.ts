import { createTokenSigner, ExpiredTokenError, splitImpressionId } from '@adtrace/ads';
import type { Ad, AuctionOutcome, AuctionWin } from '@adtrace/schemas';
import { exampleAuctionWin, exampleCampaign } from '@adtrace/schemas/testing';
import { describe, expect, it } from 'vitest';
import { prices, serveImpression } from './serve-impression.ts';

const signer = createTokenSigner({ signingKeyId: 'k1', keys: [{ id: 'k1', secret: 'k'.repeat(32) }] });
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const NOW = Date.UTC(2026, 10, 26, 12);
const options = {
  signer,
  traceparent: TRACEPARENT,
  servedAtMs: NOW,
  tokenTtlMs: 3_600_000,
  trackingBaseUrl: 'https://t.example',
};
const ad = exampleCampaign.ads[0]!;
const win = exampleAuctionWin as AuctionOutcome & { win: AuctionWin };
const cpmWin = { ...win, win: { ...win.win, bidType: 'CPM' as const, bidMicros: 9_000_000 } };

describe('serveImpression', () => {
  it('gives the impression its own id and a token that verifies to its claims and the trace', () => {
    const { impression } = serveImpression(win, ad, options);
    expect(splitImpressionId(impression.impressionId)).toEqual({ eventId: win.eventId, impId: win.impId });
    expect(impression).toMatchObject({
      eventId: win.eventId,
      requestId: win.requestId,
      userKey: win.userKey,
      campaignId: win.win.campaignId,
      adId: win.win.adId,
      creativeId: ad.creative.id,
      pctr: win.win.pctr,
      eventTimeMs: NOW,
      modelVersion: win.modelVersion,
    });
    expect(signer.verify(impression.trackingToken, NOW + 1000)).toEqual({
      impressionId: impression.impressionId,
      eventId: win.eventId,
      campaignId: win.win.campaignId,
      adId: win.win.adId,
      userKey: win.userKey,
      clearingPriceCpmMicros: win.win.clearingPriceCpmMicros,
      traceparent: TRACEPARENT,
      expiresAtMs: NOW + 3_600_000,
      keyId: 'k1',
    });
    expect(() => signer.verify(impression.trackingToken, NOW + 3_600_001)).toThrow(ExpiredTokenError);
  });

  it('two winning imps of one event are two impressions', () => {
    const a = serveImpression(win, ad, options).impression;
    const b = serveImpression({ ...win, impId: '2' }, ad, options).impression;
    expect(a.impressionId).not.toBe(b.impressionId);
    expect(a.eventId).toBe(b.eventId);
  });

  it('fills the markup with impression and click URLs that carry the token', () => {
    const { creative, impression } = serveImpression(win, ad, options);
    const token = encodeURIComponent(impression.trackingToken);
    expect(creative.impressionUrl).toBe(`https://t.example/imp?t=${token}`);
    expect(creative.clickUrl).toContain(`https://t.example/click?t=${token}&r=`);
    expect(creative.markup).toContain(`src="${creative.impressionUrl}"`);
    expect(creative.markup).toContain(creative.clickUrl.replaceAll('&', '&amp;'));
    expect(creative.markup).not.toContain('{IMP_URL}');
    expect(creative.attributes).toMatchObject({ 'creative.type': 'BANNER', 'creative.format': '300x250' });
    // The impression carries what was served, so a publisher's ad server can render it from the record.
    expect(impression).toMatchObject({
      markup: creative.markup,
      impressionUrl: creative.impressionUrl,
      clickUrl: creative.clickUrl,
    });
  });

  it('serves a video creative as VAST at its own size', () => {
    const video: Ad = {
      ...ad,
      creative: {
        ...ad.creative,
        format: 'VIDEO',
        w: 640,
        h: 360,
        markup: '<VAST><Impression><![CDATA[{IMP_URL}]]></Impression></VAST>',
      },
    };
    const { creative } = serveImpression(win, video, options);
    expect(creative.attributes).toMatchObject({ 'creative.type': 'VIDEO', 'creative.format': '640x360' });
    expect(creative.markup).toContain(`<![CDATA[${creative.impressionUrl}]]>`);
  });
});

describe('prices', () => {
  it('charges a CPM ad the clearing CPM / 1000 on the impression and nothing per click', () => {
    expect(prices({ ...cpmWin.win, clearingPriceCpmMicros: 2_500_000 })).toEqual({
      priceMicros: 2_500,
      clickPriceMicros: 0,
    });
    expect(prices({ ...cpmWin.win, clearingPriceCpmMicros: 1_234_567 }).priceMicros).toBe(1_235);
  });

  it('charges a CPC ad per click what keeps its eCPM at the clearing price, never above its bid', () => {
    // 7.2 CPM at pCTR 1.25 % is 0.576 per click.
    expect(prices(win.win)).toEqual({ priceMicros: 0, clickPriceMicros: 576_000 });
    expect(prices({ ...win.win, pctr: 0.001 }).clickPriceMicros).toBe(win.win.bidMicros);
  });
});
