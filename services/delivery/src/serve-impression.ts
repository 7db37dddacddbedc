// One WIN outcome → the Impression delivery serves: its id, its signed tracking token, the
// creative filled with the impression and click URLs that carry the token, and its price. Pure:
// the hop passes the clock, the trace context and the ad from the campaigns table.
import { impressionIdOf, type PreparedCreative, prepareCreative, type TokenSigner } from '@adtrace/ads';
import type { Ad, AuctionOutcome, AuctionWin, Imp, Impression } from '@adtrace/schemas';

export interface ServeOptions {
  readonly signer: TokenSigner;
  /** W3C traceparent of the span serving it: a click on the impression continues this trace. */
  readonly traceparent: string;
  readonly servedAtMs: number;
  readonly tokenTtlMs: number;
  readonly trackingBaseUrl: string;
}

export interface Served {
  readonly impression: Impression;
  readonly creative: PreparedCreative;
}

export function serveImpression(
  outcome: AuctionOutcome & { readonly win: AuctionWin },
  ad: Ad,
  options: ServeOptions,
): Served {
  const { win } = outcome;
  const impressionId = impressionIdOf(outcome.eventId, outcome.impId);
  const trackingToken = options.signer.sign({
    impressionId,
    eventId: outcome.eventId,
    campaignId: win.campaignId,
    adId: win.adId,
    userKey: outcome.userKey,
    clearingPriceCpmMicros: win.clearingPriceCpmMicros,
    traceparent: options.traceparent,
    expiresAtMs: options.servedAtMs + options.tokenTtlMs,
  });
  const creative = prepareCreative(ad, servedImp(outcome.impId, ad), {
    baseUrl: options.trackingBaseUrl,
    token: trackingToken,
  });
  return {
    creative,
    impression: {
      eventId: outcome.eventId,
      impressionId,
      requestId: outcome.requestId,
      impId: outcome.impId,
      userKey: outcome.userKey,
      campaignId: win.campaignId,
      adId: win.adId,
      creativeId: ad.creative.id,
      trackingToken,
      bidType: win.bidType,
      ...prices(win),
      pctr: win.pctr,
      eventTimeMs: options.servedAtMs,
      modelVersion: outcome.modelVersion,
      test: outcome.test,
      markup: creative.markup,
      impressionUrl: creative.impressionUrl,
      clickUrl: creative.clickUrl,
    },
  };
}

/**
 * What the impression costs. A CPM ad pays the clearing CPM / 1000 here; a CPC ad pays nothing
 * here and, per click, the price that keeps its eCPM at the clearing CPM (clearing / (1000 ×
 * pCTR), never above its bid) — charging both would bill it twice (attribution counts CPM cost
 * on impressions and CPC cost on clicks).
 */
export function prices(win: AuctionWin): { priceMicros: number; clickPriceMicros: number } {
  if (win.bidType === 'CPM') return { priceMicros: Math.round(win.clearingPriceCpmMicros / 1000), clickPriceMicros: 0 };
  const perClick = win.pctr > 0 ? Math.round(win.clearingPriceCpmMicros / (1000 * win.pctr)) : win.bidMicros;
  return { priceMicros: 0, clickPriceMicros: Math.min(win.bidMicros, perClick) };
}

/**
 * The imp as served: the AuctionOutcome does not carry the request's imp, and the auction only
 * lets an ad win an imp its creative fits, so the creative's own format is what was offered.
 * (A video then plays at the creative's size, not the player's: the outcome does not say it.)
 */
function servedImp(impId: string, ad: Ad): Imp {
  const { format, w, h } = ad.creative;
  return {
    id: impId,
    banner: format === 'BANNER' ? { format: [{ w, h }], pos: null } : null,
    video:
      format === 'VIDEO'
        ? { mimes: [], minduration: null, maxduration: null, w: null, h: null, protocols: [], plcmt: null }
        : null,
    audio: null,
    native: null,
    bidfloorMicros: 0,
    bidfloorcur: 'USD',
    tagid: null,
  };
}
