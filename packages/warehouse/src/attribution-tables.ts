import type { Dialect } from './dialect.ts';
import { type DirectType, skipExisting, stageColumns, type TableLoad } from './tables.ts';

// The attribution teams' tables loaded from Kafka (migrations 6 and 7): impressions, auction
// outcomes, alerts, late events and the campaigns dimension. How a load works is in tables.ts.

const time = (d: Dialect, ms: string) => d.timestampFromMicros(`${ms} * 1000`);

/** One record of `adtrace.impressions` (schemas/Impression.avsc), minus the tracking token (a credential). */
export interface ImpressionRow {
  readonly impressionId: string;
  readonly eventId: string;
  readonly requestId: string;
  readonly impId: string;
  /** Pseudonymous user key (never a user id); null when the record has none. */
  readonly userKey: string | null;
  readonly campaignId: string;
  readonly adId: string;
  readonly creativeId: string;
  /** cpm or cpc. */
  readonly bidType: string;
  readonly priceMicros: number;
  readonly clickPriceMicros: number;
  readonly pctr: number;
  readonly modelVersion: string | null;
  readonly eventTimeMs: number;
  /** 32 hex digits, from the message's traceparent header. */
  readonly traceId: string | null;
}

/** One record of `adtrace.auction-outcomes` (schemas/AuctionOutcome.avsc): a win or a no-fill. */
export interface AuctionOutcomeRow {
  readonly eventId: string;
  readonly requestId: string;
  readonly impId: string;
  readonly userKey: string | null;
  /** win or no_fill. */
  readonly outcome: string;
  readonly campaignId: string | null;
  readonly adId: string | null;
  readonly creativeId: string | null;
  readonly bidType: string | null;
  readonly bidMicros: number | null;
  readonly pctr: number | null;
  readonly clearingPriceCpmMicros: number | null;
  readonly floorCpmMicros: number | null;
  readonly candidates: number | null;
  /** No-fills: the reason (NO_CANDIDATES, BELOW_FLOOR, …); null for wins. */
  readonly noFillReason: string | null;
  readonly noFillCode: number | null;
  readonly noFillDetail: string | null;
  readonly modelVersion: string | null;
  readonly decidedAtMs: number;
  readonly traceId: string | null;
}

/** One record of `adtrace.alerts` (schemas/Alert.avsc). */
export interface AlertRow {
  readonly alertId: string;
  readonly kind: string;
  readonly severity: string;
  readonly source: string;
  readonly campaignId: string | null;
  readonly segmentId: string | null;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly message: string;
  /** The record's attributes map as a JSON object. */
  readonly attributesJson: string;
  readonly eventTimeMs: number;
  readonly traceId: string | null;
}

/** One record of `adtrace.late-events`: an attributed event too late for its window, with the LateHeaders. */
export interface LateEventRow {
  /** Where the late record sits in the late-events topic: its identity. */
  readonly latePartition: number;
  readonly lateOffset: string;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  /** The aggregation task's stream time when the record arrived, ms. */
  readonly streamTimeMs: number | null;
  readonly eventId: string;
  readonly kind: string;
  readonly campaignId: string;
  readonly impressionId: string | null;
  readonly costMicros: number;
  readonly valueMicros: number;
  readonly eventTimeMs: number;
  readonly traceId: string | null;
  /** The record's Kafka timestamp, ms. */
  readonly sentAtMs: number;
}

/** The latest version of a campaign from the compacted `adtrace.campaigns` (a tombstone deletes). */
export interface CampaignRow {
  readonly campaignId: string;
  readonly name: string | null;
  readonly advertiserId: string | null;
  readonly active: boolean;
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly budgetTotalMicros: number | null;
  readonly budgetDailyMicros: number | null;
  readonly currency: string | null;
  readonly ads: number;
  /** The version's updatedAtMs (a tombstone: its record timestamp). */
  readonly updatedAtMs: number;
  readonly deleted: boolean;
}

export const impressionsLoad: TableLoad<ImpressionRow> = {
  table: 'impressions',
  stage: 'impressions_stage',
  columns: stageColumns(
    'impression_id text, event_id text, request_id text, imp_id text, user_key text, campaign_id text, ad_id text, creative_id text, bid_type text, price_micros bigint, click_price_micros bigint, pctr double, model_version text, event_time_ms bigint, trace_id text',
  ),
  direct: stageColumns<DirectType>(
    'impression_id text, event_id text, request_id text, imp_id text, user_key text, campaign_id text, ad_id text, creative_id text, bid_type text, price_micros bigint, click_price_micros bigint, pctr double, model_version text, event_time timestamp_ms, trace_id text, loaded_at load_time',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.impressionId, r.eventId, r.requestId, r.impId, r.userKey, r.campaignId, r.adId, r.creativeId, r.bidType, r.priceMicros, r.clickPriceMicros, r.pctr, r.modelVersion, r.eventTimeMs, r.traceId],
  ...skipExisting(
    (d) => `
INSERT INTO impressions (impression_id, event_id, request_id, imp_id, user_key, campaign_id, ad_id, creative_id,
  bid_type, price_micros, click_price_micros, pctr, model_version, event_time, trace_id)
SELECT impression_id, event_id, request_id, imp_id, user_key, campaign_id, ad_id, creative_id, bid_type,
  price_micros, click_price_micros, pctr, model_version, ${time(d, 'event_time_ms')}, trace_id
FROM impressions_stage`,
  ),
};

export const auctionOutcomesLoad: TableLoad<AuctionOutcomeRow> = {
  table: 'auction_outcomes',
  stage: 'auction_outcomes_stage',
  columns: stageColumns(
    'event_id text, request_id text, imp_id text, user_key text, outcome text, campaign_id text, ad_id text, creative_id text, bid_type text, bid_micros bigint, pctr double, clearing_price_cpm_micros bigint, floor_cpm_micros bigint, candidates int, no_fill_reason text, no_fill_code int, no_fill_detail text, model_version text, decided_at_ms bigint, trace_id text',
  ),
  direct: stageColumns<DirectType>(
    'event_id text, request_id text, imp_id text, user_key text, outcome text, campaign_id text, ad_id text, creative_id text, bid_type text, bid_micros bigint, pctr double, clearing_price_cpm_micros bigint, floor_cpm_micros bigint, candidates int, no_fill_reason text, no_fill_code int, no_fill_detail text, model_version text, decided_at timestamp_ms, trace_id text, loaded_at load_time',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.eventId, r.requestId, r.impId, r.userKey, r.outcome, r.campaignId, r.adId, r.creativeId, r.bidType, r.bidMicros, r.pctr, r.clearingPriceCpmMicros, r.floorCpmMicros, r.candidates, r.noFillReason, r.noFillCode, r.noFillDetail, r.modelVersion, r.decidedAtMs, r.traceId],
  ...skipExisting(
    (d) => `
INSERT INTO auction_outcomes (event_id, request_id, imp_id, user_key, outcome, campaign_id, ad_id, creative_id,
  bid_type, bid_micros, pctr, clearing_price_cpm_micros, floor_cpm_micros, candidates, no_fill_reason, no_fill_code,
  no_fill_detail, model_version, decided_at, trace_id)
SELECT event_id, request_id, imp_id, user_key, outcome, campaign_id, ad_id, creative_id, bid_type, bid_micros, pctr,
  clearing_price_cpm_micros, floor_cpm_micros, candidates, no_fill_reason, no_fill_code, no_fill_detail,
  model_version, ${time(d, 'decided_at_ms')}, trace_id
FROM auction_outcomes_stage`,
  ),
};

export const alertsLoad: TableLoad<AlertRow> = {
  table: 'alerts',
  stage: 'alerts_stage',
  columns: stageColumns(
    'alert_id text, kind text, severity text, source text, campaign_id text, segment_id text, value double, threshold double, message text, attributes text, event_time_ms bigint, trace_id text',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.alertId, r.kind, r.severity, r.source, r.campaignId, r.segmentId, r.value, r.threshold, r.message, r.attributesJson, r.eventTimeMs, r.traceId],
  ...skipExisting(
    (d) => `
INSERT INTO alerts (alert_id, kind, severity, source, campaign_id, segment_id, value, threshold, message, attributes,
  event_time, trace_id)
SELECT alert_id, kind, severity, source, campaign_id, segment_id, value, threshold, message,
  CAST(attributes AS ${d.types.json}), ${time(d, 'event_time_ms')}, trace_id
FROM alerts_stage`,
  ),
};

export const lateEventsLoad: TableLoad<LateEventRow> = {
  table: 'late_events',
  stage: 'late_events_stage',
  columns: stageColumns(
    'late_partition int, late_offset bigint, original_topic text, original_partition int, original_offset bigint, stream_time_ms bigint, event_id text, kind text, campaign_id text, impression_id text, cost_micros bigint, value_micros bigint, event_time_ms bigint, trace_id text, sent_at_ms bigint',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.latePartition, r.lateOffset, r.originalTopic, r.originalPartition, r.originalOffset, r.streamTimeMs, r.eventId, r.kind, r.campaignId, r.impressionId, r.costMicros, r.valueMicros, r.eventTimeMs, r.traceId, r.sentAtMs],
  ...skipExisting(
    (d) => `
INSERT INTO late_events (late_partition, late_offset, original_topic, original_partition, original_offset,
  stream_time, event_id, kind, campaign_id, impression_id, cost_micros, value_micros, event_time, trace_id, sent_at)
SELECT late_partition, late_offset, original_topic, original_partition, original_offset,
  ${time(d, 'stream_time_ms')}, event_id, kind, campaign_id, impression_id, cost_micros, value_micros,
  ${time(d, 'event_time_ms')}, trace_id, ${time(d, 'sent_at_ms')}
FROM late_events_stage`,
  ),
};

export const campaignsLoad: TableLoad<CampaignRow> = {
  table: 'campaigns',
  stage: 'campaigns_stage',
  columns: stageColumns(
    'campaign_id text, name text, advertiser_id text, active bool, start_ms bigint, end_ms bigint, budget_total_micros bigint, budget_daily_micros bigint, currency text, ads int, updated_at_ms bigint, deleted bool',
  ),
  // biome-ignore format: in column order, as the list above
  values: (r) => [r.campaignId, r.name, r.advertiserId, r.active, r.startMs, r.endMs, r.budgetTotalMicros, r.budgetDailyMicros, r.currency, r.ads, r.updatedAtMs, r.deleted],
  // The compacted topic's latest value per id wins; a version older than the row changes nothing
  // (a replay after a crash). A tombstone keeps the row, marked deleted, so old facts still join.
  insertSql: (d) => `
INSERT INTO campaigns (campaign_id, name, advertiser_id, active, start_time, end_time, budget_total_micros,
  budget_daily_micros, currency, ads, updated_at, deleted)
SELECT campaign_id, name, advertiser_id, active, ${time(d, 'start_ms')}, ${time(d, 'end_ms')}, budget_total_micros,
  budget_daily_micros, currency, ads, ${time(d, 'updated_at_ms')}, deleted
FROM campaigns_stage
ON CONFLICT (campaign_id) DO UPDATE SET
  name = coalesce(excluded.name, campaigns.name), advertiser_id = coalesce(excluded.advertiser_id, campaigns.advertiser_id),
  active = excluded.active, start_time = excluded.start_time, end_time = excluded.end_time,
  budget_total_micros = coalesce(excluded.budget_total_micros, campaigns.budget_total_micros),
  budget_daily_micros = excluded.budget_daily_micros, currency = coalesce(excluded.currency, campaigns.currency),
  ads = excluded.ads, updated_at = excluded.updated_at, deleted = excluded.deleted, loaded_at = excluded.loaded_at
WHERE excluded.updated_at >= campaigns.updated_at`,
};

/** The last version per campaign in one load (one INSERT … ON CONFLICT DO UPDATE may touch a row once). */
export function latestCampaigns(rows: readonly CampaignRow[]): CampaignRow[] {
  const last = new Map<string, CampaignRow>();
  for (const r of rows) {
    const seen = last.get(r.campaignId);
    if (!seen || r.updatedAtMs >= seen.updatedAtMs) last.set(r.campaignId, r);
  }
  return [...last.values()];
}

/** Migration 7: the tables above but impressions (migration 6), and the indexes attribution queries use. */
export const attributionTablesSql = ({ name, types: t }: Dialect): string => `
CREATE TABLE auction_outcomes (
  event_id VARCHAR NOT NULL,
  request_id VARCHAR NOT NULL,
  imp_id VARCHAR NOT NULL,
  user_key VARCHAR,
  outcome VARCHAR NOT NULL,
  campaign_id VARCHAR,
  ad_id VARCHAR,
  creative_id VARCHAR,
  bid_type VARCHAR,
  bid_micros BIGINT,
  pctr ${t.double},
  clearing_price_cpm_micros BIGINT,
  floor_cpm_micros BIGINT,
  candidates INTEGER,
  no_fill_reason VARCHAR,
  no_fill_code INTEGER,
  no_fill_detail VARCHAR,
  model_version VARCHAR,
  decided_at ${t.timestamp} NOT NULL,
  trace_id VARCHAR,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (event_id, imp_id)
);
CREATE TABLE alerts (
  alert_id VARCHAR PRIMARY KEY,
  kind VARCHAR NOT NULL,
  severity VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  campaign_id VARCHAR,
  segment_id VARCHAR,
  value ${t.double},
  threshold ${t.double},
  message VARCHAR NOT NULL,
  attributes ${t.json} NOT NULL,
  event_time ${t.timestamp} NOT NULL,
  trace_id VARCHAR,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp
);
CREATE TABLE late_events (
  late_partition INTEGER NOT NULL,
  late_offset BIGINT NOT NULL,
  original_topic VARCHAR,
  original_partition INTEGER,
  original_offset BIGINT,
  stream_time ${t.timestamp},
  event_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  campaign_id VARCHAR NOT NULL,
  impression_id VARCHAR,
  cost_micros BIGINT NOT NULL,
  value_micros BIGINT NOT NULL,
  event_time ${t.timestamp} NOT NULL,
  trace_id VARCHAR,
  sent_at ${t.timestamp} NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp,
  PRIMARY KEY (late_partition, late_offset)
);
CREATE TABLE campaigns (
  campaign_id VARCHAR PRIMARY KEY,
  name VARCHAR,
  advertiser_id VARCHAR,
  active BOOLEAN NOT NULL,
  start_time ${t.timestamp},
  end_time ${t.timestamp},
  budget_total_micros BIGINT,
  budget_daily_micros BIGINT,
  currency VARCHAR,
  ads INTEGER NOT NULL,
  updated_at ${t.timestamp} NOT NULL,
  deleted BOOLEAN NOT NULL,
  loaded_at ${t.timestamp} NOT NULL DEFAULT current_timestamp
);
${
  name === 'postgres'
    ? `CREATE INDEX auction_outcomes_decided_at ON auction_outcomes USING brin (decided_at);
CREATE INDEX alerts_event_time ON alerts (event_time);
CREATE INDEX late_events_campaign_time ON late_events (campaign_id, event_time);
CREATE INDEX attributed_events_campaign_time ON attributed_events (campaign_id, event_time);
CREATE INDEX attributed_events_impression_id ON attributed_events (impression_id);`
    : ''
}`;
