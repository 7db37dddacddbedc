import type { AuctionOutcome, AuctionWin } from '@adtrace/schemas';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import type { Served } from './serve-impression.ts';

/**
 * Attribute names of delivery's `ads.prepare_creative` span: the creative's (`creative.type`,
 * `creative.format`, …, from prepareCreative), the seed's `ads.ad_served` and
 * `ads.winning_ad_id`, and the ids a reader joins on. `user.key` is the pseudonym, never an id.
 */
export const DeliveryAttr = {
  adServed: 'ads.ad_served',
  winningAdId: 'ads.winning_ad_id',
  campaignId: 'ads.campaign_id',
  impressionId: 'ads.impression_id',
  impId: 'ads.imp_id',
  bidType: 'ads.bid_type',
  priceMicros: 'ads.price_micros',
  clearingPriceCpmMicros: 'ads.clearing_price_cpm_micros',
  modelVersion: 'ads.model_version',
  markupBytes: 'creative.markup_bytes',
  tokenKeyId: 'tracking.token_key_id',
  userKey: 'user.key',
  requestId: 'openrtb.request_id',
} as const;

export function servedAttributes(
  outcome: AuctionOutcome & { readonly win: AuctionWin },
  served: Served,
  keyId: string,
): Attributes {
  const { impression, creative } = served;
  return {
    ...creative.attributes,
    [DeliveryAttr.adServed]: true,
    [DeliveryAttr.winningAdId]: outcome.win.adId,
    [DeliveryAttr.campaignId]: outcome.win.campaignId,
    [DeliveryAttr.impressionId]: impression.impressionId,
    [DeliveryAttr.impId]: outcome.impId,
    [DeliveryAttr.bidType]: impression.bidType,
    [DeliveryAttr.priceMicros]: impression.priceMicros,
    [DeliveryAttr.clearingPriceCpmMicros]: outcome.win.clearingPriceCpmMicros,
    [DeliveryAttr.markupBytes]: Buffer.byteLength(creative.markup),
    [DeliveryAttr.tokenKeyId]: keyId,
    [DeliveryAttr.userKey]: outcome.userKey,
    [DeliveryAttr.requestId]: outcome.requestId,
    ...(outcome.modelVersion !== null && { [DeliveryAttr.modelVersion]: outcome.modelVersion }),
  };
}

/** The span's context as a W3C traceparent: what the token carries so a click continues the trace. */
export function traceparentOf(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
