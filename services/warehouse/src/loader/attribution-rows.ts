import type { Alert, AuctionOutcome, Campaign, Impression } from '@adtrace/schemas';
import { findHeader, LateHeaders, type RecordMeta } from '@adtrace/stream';
import type { AlertRow, AuctionOutcomeRow, CampaignRow, ImpressionRow, LateEventRow } from '@adtrace/warehouse';
import { type AttributedEventRecord, attributedEventRow, checker } from './record-rows.ts';

// Records of the attribution topics → rows of their tables. A record a table cannot hold is
// refused (RejectedError): the loader dead-letters it with the field named.

const lower = (s: string) => s.toLowerCase();
const uint = (s: string | undefined): number | null => (s !== undefined && /^\d{1,15}$/.test(s) ? Number(s) : null);

export function impressionRow(r: Impression, traceId: string | null): ImpressionRow {
  const c = checker('impression');
  const eventId = c.str(r.eventId, 'eventId');
  const impId = c.str(r.impId, 'impId');
  return {
    // Records written before impressionId existed: event id + imp id, as the schema says.
    impressionId: c.optionalStr(r.impressionId, 'impressionId') ?? `${eventId}.${impId}`,
    eventId,
    requestId: c.str(r.requestId, 'requestId'),
    impId,
    userKey: c.optionalStr(r.userKey, 'userKey'),
    campaignId: c.str(r.campaignId, 'campaignId'),
    adId: c.str(r.adId, 'adId'),
    creativeId: c.str(r.creativeId, 'creativeId'),
    bidType: lower(c.str(r.bidType, 'bidType')),
    priceMicros: c.n(r.priceMicros, 'priceMicros'),
    clickPriceMicros: c.n(r.clickPriceMicros, 'clickPriceMicros', 0),
    pctr: c.n(r.pctr, 'pctr', 0),
    modelVersion: c.optionalStr(r.modelVersion, 'modelVersion'),
    eventTimeMs: c.n(r.eventTimeMs, 'eventTimeMs'),
    traceId,
  };
}

export function auctionOutcomeRow(r: AuctionOutcome, traceId: string | null): AuctionOutcomeRow {
  const c = checker('auction outcome');
  const win = r.outcome === 'WIN' ? r.win : null;
  const noFill = r.outcome === 'NO_FILL' ? r.noFill : null;
  if (!win && !noFill) c.str(undefined, r.outcome === 'WIN' ? 'win' : 'noFill');
  return {
    eventId: c.str(r.eventId, 'eventId'),
    requestId: c.str(r.requestId, 'requestId'),
    impId: c.str(r.impId, 'impId'),
    userKey: c.optionalStr(r.userKey, 'userKey'),
    outcome: lower(c.str(r.outcome, 'outcome')),
    campaignId: win ? c.str(win.campaignId, 'win.campaignId') : null,
    adId: win ? c.str(win.adId, 'win.adId') : null,
    creativeId: win ? c.str(win.creativeId, 'win.creativeId') : null,
    bidType: win ? lower(c.str(win.bidType, 'win.bidType')) : null,
    bidMicros: win ? c.n(win.bidMicros, 'win.bidMicros') : null,
    pctr: win ? c.n(win.pctr, 'win.pctr') : null,
    clearingPriceCpmMicros: win ? c.n(win.clearingPriceCpmMicros, 'win.clearingPriceCpmMicros') : null,
    floorCpmMicros: win ? c.n(win.floorCpmMicros, 'win.floorCpmMicros', 0) : null,
    candidates: win ? c.n(win.candidates, 'win.candidates', 0) : null,
    noFillReason: noFill ? c.str(noFill.reason, 'noFill.reason') : null,
    noFillCode: noFill ? c.optional(noFill.code, 'noFill.code') : null,
    noFillDetail: noFill ? (noFill.detail?.replaceAll('\u0000', '') ?? null) : null,
    modelVersion: c.optionalStr(r.modelVersion, 'modelVersion'),
    decidedAtMs: c.n(r.decidedAtMs, 'decidedAtMs'),
    traceId,
  };
}

export function alertRow(r: Alert, traceId: string | null): AlertRow {
  const c = checker('alert');
  return {
    alertId: c.str(r.alertId, 'alertId'),
    kind: c.str(r.kind, 'kind'),
    severity: c.str(r.severity, 'severity'),
    source: c.str(r.source, 'source'),
    campaignId: c.optionalStr(r.campaignId, 'campaignId'),
    segmentId: c.optionalStr(r.segmentId, 'segmentId'),
    value: c.optional(r.value, 'value'),
    threshold: c.optional(r.threshold, 'threshold'),
    message: c.str(r.message, 'message'),
    attributesJson: JSON.stringify(r.attributes ?? {}).replaceAll('\\u0000', ''),
    eventTimeMs: c.n(r.eventTimeMs, 'eventTimeMs'),
    traceId,
  };
}

/** A late record is the attributed event as aggregation read it, plus the LateHeaders. */
export function lateEventRow(r: AttributedEventRecord, meta: RecordMeta): LateEventRow {
  const e = attributedEventRow(r, meta.traceId ?? null);
  const h = (name: string) => findHeader(meta.headers, name);
  return {
    latePartition: meta.partition,
    lateOffset: meta.offset,
    originalTopic: h(LateHeaders.originalTopic)?.replaceAll('\u0000', '') ?? null,
    originalPartition: uint(h(LateHeaders.originalPartition)),
    originalOffset: h(LateHeaders.originalOffset)?.match(/^\d{1,19}$/)?.[0] ?? null,
    streamTimeMs: uint(h(LateHeaders.streamTime)),
    eventId: e.eventId,
    kind: e.kind,
    campaignId: e.campaignId,
    impressionId: e.impressionId,
    costMicros: e.costMicros,
    valueMicros: e.valueMicros,
    eventTimeMs: e.eventTimeMs,
    traceId: e.traceId,
    sentAtMs: meta.timestamp,
  };
}

export function campaignRow(r: Campaign): CampaignRow {
  const c = checker('campaign');
  return {
    campaignId: c.str(r.id, 'id'),
    name: c.str(r.name, 'name'),
    advertiserId: c.str(r.advertiserId, 'advertiserId'),
    active: r.active !== false,
    startMs: c.optional(r.startMs, 'startMs'),
    endMs: c.optional(r.endMs, 'endMs'),
    budgetTotalMicros: c.n(r.budget?.totalMicros, 'budget.totalMicros'),
    budgetDailyMicros: c.optional(r.budget?.dailyMicros, 'budget.dailyMicros'),
    currency: c.str(r.budget?.currency ?? 'USD', 'budget.currency'),
    ads: Array.isArray(r.ads) ? r.ads.length : 0,
    updatedAtMs: c.n(r.updatedAtMs, 'updatedAtMs'),
    deleted: false,
  };
}

/** A tombstone on the compacted campaigns topic: the campaign (its key) is deleted as of the record's time. */
export function campaignTombstoneRow(key: Buffer | null, meta: RecordMeta): CampaignRow {
  const campaignId = checker('campaign tombstone').str(key?.toString('utf8'), 'key');
  return {
    ...{ campaignId, name: null, advertiserId: null, active: false, startMs: null, endMs: null },
    ...{ budgetTotalMicros: null, budgetDailyMicros: null, currency: null, ads: 0 },
    updatedAtMs: meta.timestamp,
    deleted: true,
  };
}
