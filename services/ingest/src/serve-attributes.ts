import { type Ingested, type PiiAction, placementOf, platformOf } from '@adtrace/ads';
import type { Attributes } from '@opentelemetry/api';

/**
 * Attribute names of ingest's spans. `user.key` is the pseudonym, never `user.id`; the OpenRTB
 * request id is the one id an exchange knows, so `adtrace trace` finds the event by it.
 */
export const IngestAttr = {
  requestId: 'openrtb.request_id',
  placement: 'ads.placement',
  platform: 'context.platform',
  userKey: 'user.key',
  userKeySource: 'user.key_source',
  impCount: 'ads.imp_count',
  test: 'ads.test',
  auctionType: 'ads.auction_type',
  format: 'ads.ingest.format',
  personalized: 'consent.personalized',
  restrictions: 'consent.restrictions',
  fixedFields: 'ads.ingest.fields_fixed',
} as const;

/** `ads.ingest.reduce_pii`: per action, the fields it touched as `field:rule`. Names only, never values. */
export const PiiAttr = {
  dropped: 'pii.dropped',
  truncated: 'pii.truncated',
  hashed: 'pii.hashed',
  rounded: 'pii.rounded',
  count: 'pii.actions',
} as const;

export function serveAttributes(ingested: Ingested, format: 'json' | 'avro'): Attributes {
  const { request, userKey, consent } = ingested;
  // The request id is set with the event id before anything can fail (ingest-hop.ts).
  return {
    [IngestAttr.placement]: placementOf(request),
    [IngestAttr.platform]: platformOf(request),
    [IngestAttr.userKey]: userKey.key,
    [IngestAttr.userKeySource]: userKey.source,
    [IngestAttr.impCount]: request.imp.length,
    [IngestAttr.test]: request.test,
    [IngestAttr.auctionType]: request.at,
    [IngestAttr.format]: format,
    [IngestAttr.personalized]: consent.personalized,
    [IngestAttr.restrictions]: [...consent.restrictions],
    [IngestAttr.fixedFields]: ingested.fixes.map((f) => `${f.path}:${f.action}`),
  };
}

export function piiAttributes(actions: readonly PiiAction[]): Attributes {
  const of = (action: PiiAction['action']) =>
    actions.filter((a) => a.action === action).map((a) => `${a.field}:${a.rule}`);
  return {
    [PiiAttr.dropped]: of('dropped'),
    [PiiAttr.truncated]: of('truncated'),
    [PiiAttr.hashed]: of('hashed'),
    [PiiAttr.rounded]: of('rounded'),
    [PiiAttr.count]: actions.length,
  };
}
