import { type RecordName, RecordNames, type RecordTypes } from './generated/types.ts';

/**
 * Every Kafka topic of the pipeline: the only place a topic name is written.
 * Topics keyed by user key share one partition count, so that profile state, frequency caps
 * and attribution state stay partition-local across the topics a service joins.
 */
export const USER_KEYED_PARTITIONS = 6;

export const Topics = {
  bidRequestsRaw: 'adtrace.bid-requests.raw',
  bidRequests: 'adtrace.bid-requests',
  profiledRequests: 'adtrace.profiled-requests',
  auctionOutcomes: 'adtrace.auction-outcomes',
  impressions: 'adtrace.impressions',
  userEventsRaw: 'adtrace.user-events.raw',
  attributedEvents: 'adtrace.attributed-events',
  roas: 'adtrace.roas',
  campaignSpend: 'adtrace.campaign-spend',
  lateEvents: 'adtrace.late-events',
  campaigns: 'adtrace.campaigns',
  segments: 'adtrace.segments',
  alerts: 'adtrace.alerts',
  deadLetters: 'adtrace.dead-letters',
  deadLettersRaw: 'adtrace.dead-letters.raw',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Retention in ms for delete topics; compacted topics keep the latest value per key. */
  readonly retentionMs?: number;
  readonly doc: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const topicSpecs: readonly TopicSpec[] = [
  {
    name: Topics.bidRequestsRaw,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY_MS,
    doc: 'upstream OpenRTB 2.6 JSON or Avro RawBidRequest, keyed by OpenRTB request id',
  },
  {
    name: Topics.bidRequests,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY_MS,
    doc: 'normalized, PII-reduced BidRequest keyed by user key',
  },
  {
    name: Topics.profiledRequests,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY_MS,
    doc: 'request + user profile',
  },
  {
    name: Topics.auctionOutcomes,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: DAY_MS,
    doc: 'win or no-fill with reason',
  },
  {
    name: Topics.impressions,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    doc: 'served creative with its tracking token',
  },
  {
    name: Topics.userEventsRaw,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'delete',
    retentionMs: 7 * DAY_MS,
    doc: 'clicks and conversions from trackers',
  },
  {
    name: Topics.attributedEvents,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    doc: 'impressions, clicks, attributed conversions keyed by campaign',
  },
  {
    name: Topics.roas,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    doc: 'ROAS per campaign per event-time window, restatable',
  },
  {
    name: Topics.campaignSpend,
    // Keyed by campaign id like the attributed events aggregation counts it from, so each
    // aggregation task writes the campaigns of its own partition; the auction reads all of it.
    partitions: 3,
    cleanupPolicy: 'compact',
    doc: 'spend per campaign (total and today), latest per campaign id, read by the auction for budgets and pacing',
  },
  {
    name: Topics.lateEvents,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    doc: 'attributed events that arrived after their ROAS window closed (counted in its lateDropped), keyed by campaign',
  },
  { name: Topics.campaigns, partitions: 1, cleanupPolicy: 'compact', doc: 'campaign catalog, latest per campaign id' },
  {
    name: Topics.segments,
    partitions: USER_KEYED_PARTITIONS,
    cleanupPolicy: 'compact',
    doc: 'audience memberships, latest per user key',
  },
  {
    name: Topics.alerts,
    partitions: 1,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    doc: 'calibration drift, large segment change, budget',
  },
  {
    name: Topics.deadLetters,
    partitions: 3,
    cleanupPolicy: 'delete',
    retentionMs: 30 * DAY_MS,
    doc: 'original bytes with reason, stage, origin and traceparent headers',
  },
  {
    name: Topics.deadLettersRaw,
    partitions: 3,
    cleanupPolicy: 'delete',
    // Raw dead letters hold raw personal data (ids, full IPs): kept briefly, and the warehouse
    // keeps only a redacted copy.
    retentionMs: 7 * DAY_MS,
    doc: 'dead letters of the raw topics (bid requests, user events): original bytes with reason, 7 days',
  },
];

/**
 * The Avro record each topic carries. The two raw topics also accept JSON from outside
 * (OpenRTB bid requests, tracker events); the raw bid request record is what an exchange can
 * write (no user key, no event id). Dead letters keep the original bytes, so they have no record.
 */
export const topicRecords = {
  [Topics.bidRequestsRaw]: RecordNames.RawBidRequest,
  [Topics.bidRequests]: RecordNames.BidRequest,
  [Topics.profiledRequests]: RecordNames.ProfiledRequest,
  [Topics.auctionOutcomes]: RecordNames.AuctionOutcome,
  [Topics.impressions]: RecordNames.Impression,
  [Topics.userEventsRaw]: RecordNames.UserEvent,
  [Topics.attributedEvents]: RecordNames.AttributedEvent,
  [Topics.roas]: RecordNames.RoasWindow,
  [Topics.campaignSpend]: RecordNames.CampaignSpend,
  [Topics.lateEvents]: RecordNames.AttributedEvent,
  [Topics.campaigns]: RecordNames.Campaign,
  [Topics.segments]: RecordNames.UserSegments,
  [Topics.alerts]: RecordNames.Alert,
} as const satisfies { readonly [T in TopicName]?: RecordName };

/** Topics written from outside the pipeline: their records may hold raw personal data. */
export const RAW_TOPICS = [Topics.bidRequestsRaw, Topics.userEventsRaw] as const;

/** Topics whose values are Avro records. */
export type AvroTopic = keyof typeof topicRecords;

/** The record type a topic carries. */
export type TopicRecord<T extends AvroTopic> = RecordTypes[(typeof topicRecords)[T]];

/** The record a topic carries, or undefined for dead letters. */
export function recordNameOf(topic: TopicName): RecordName | undefined {
  return (topicRecords as Partial<Record<TopicName, RecordName>>)[topic];
}
