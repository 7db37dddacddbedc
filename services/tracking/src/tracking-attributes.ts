import type { SpanContext } from '@opentelemetry/api';

/**
 * Attribute names of tracking's spans (`ads.track_event`, `ads.attribute`). Only ids a reader
 * joins on and the pseudonymous user key ever go on a span: never a user id or a token.
 */
export const TrackingAttr = {
  eventType: 'ads.event_type',
  eventFormat: 'ads.event_format',
  impressionId: 'ads.impression_id',
  campaignId: 'ads.campaign_id',
  conversionId: 'ads.conversion_id',
  tokenKeyId: 'tracking.token_key_id',
  rejected: 'tracking.rejected_code',
  userKey: 'user.key',
  duplicate: 'tracking.duplicate',
  attribution: 'ads.attribution_status',
  touch: 'ads.attribution_touch',
  touchEventId: 'ads.touch_event_id',
  unattributedReason: 'ads.unattributed_reason',
  valueUsdMicros: 'ads.value_usd_micros',
  test: 'ads.test',
  /** The event waited for what it joins with (join-wait.ts): on its process span, and on its `ads.attribute` span once released. */
  parked: 'tracking.parked',
} as const;

export function traceparentOf(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-0${(context.traceFlags & 1).toString(16)}`;
}
