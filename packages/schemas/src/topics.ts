import { type RecordName, RecordNames, type RecordTypes } from './generated/types.ts';

/**
 * Every Kafka topic of the pipeline: the only place a topic name is written.
 * Topics keyed by user key share one partition count, so that profile state, frequency caps
 * and attribution state stay partition-local across the topics a service joins.
 */
export const USER_KEYED_PARTITIONS = 6;

/** Each topic's name after its namespace (`adtrace.` by default). */
const TOPIC_SUFFIXES = {
  bidRequestsRaw: 'bid-requests.raw',
  bidRequests: 'bid-requests',
  profiledRequests: 'profiled-requests',
  auctionOutcomes: 'auction-outcomes',
  impressions: 'impressions',
  userEventsRaw: 'user-events.raw',
  attributedEvents: 'attributed-events',
  roas: 'roas',
  campaignSpend: 'campaign-spend',
  lateEvents: 'late-events',
  campaigns: 'campaigns',
  segments: 'segments',
  alerts: 'alerts',
  deadLetters: 'dead-letters',
  deadLettersRaw: 'dead-letters.raw',
} as const;

export type TopicKey = keyof typeof TOPIC_SUFFIXES;

export const DEFAULT_TOPIC_NAMESPACE = 'adtrace';

/**
 * `ADTRACE_TOPIC_NAMESPACE` (default `adtrace`): the first part of every topic name, so that
 * pipelines sharing a cluster — staging and production, two developers, a test run beside a
 * running pipeline — never read or write each other's topics. Every process of a pipeline must
 * see the same value. A name Kafka would refuse stops start-up here, naming the variable.
 */
export function topicNamespaceOf(env: Readonly<Record<string, string | undefined>>): string {
  const raw = env.ADTRACE_TOPIC_NAMESPACE;
  if (raw === undefined || raw === '') return DEFAULT_TOPIC_NAMESPACE;
  // Kafka's legal characters; the longest suffix (17) and the dot leave 249 − 18 for the namespace.
  if (!/^[a-zA-Z0-9._-]{1,200}$/.test(raw)) {
    throw new Error(
      `ADTRACE_TOPIC_NAMESPACE must be 1–200 of the characters a-z A-Z 0-9 . _ - (a Kafka topic name's), got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}

/** The pipeline's topic names under `namespace`. */
export function pipelineTopics(namespace: string): Readonly<Record<TopicKey, string>> {
  return Object.fromEntries(
    Object.entries(TOPIC_SUFFIXES).map(([key, suffix]) => [key, `${namespace}.${suffix}`]),
  ) as Record<TopicKey, string>;
}

/** This process's namespace: `ADTRACE_TOPIC_NAMESPACE`, read once as the module loads. */
export const TOPIC_NAMESPACE = topicNamespaceOf(typeof process === 'undefined' ? {} : process.env);

export const Topics = pipelineTopics(TOPIC_NAMESPACE);

export type TopicName = string;

export interface TopicSpec {
  readonly name: TopicName;
  readonly partitions: number;
  readonly cleanupPolicy: 'delete' | 'compact';
  /** Retention in ms for delete topics; compacted topics keep the latest value per key. */
  readonly retentionMs?: number;
  readonly doc: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The pipeline's topics under `namespace`, with their partitions, cleanup and retention. */
export function topicSpecsOf(namespace: string): readonly TopicSpec[] {
  const Topics = pipelineTopics(namespace);
  return [
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
    {
      name: Topics.campaigns,
      partitions: 1,
      cleanupPolicy: 'compact',
      doc: 'campaign catalog, latest per campaign id',
    },
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
}

export const topicSpecs: readonly TopicSpec[] = topicSpecsOf(TOPIC_NAMESPACE);

/**
 * The Avro record each topic carries. The two raw topics also accept JSON from outside
 * (OpenRTB bid requests, tracker events); the raw bid request record is what an exchange can
 * write (no user key, no event id). Dead letters keep the original bytes, so they have no record.
 */
const RECORDS_BY_KEY = {
  bidRequestsRaw: RecordNames.RawBidRequest,
  bidRequests: RecordNames.BidRequest,
  profiledRequests: RecordNames.ProfiledRequest,
  auctionOutcomes: RecordNames.AuctionOutcome,
  impressions: RecordNames.Impression,
  userEventsRaw: RecordNames.UserEvent,
  attributedEvents: RecordNames.AttributedEvent,
  roas: RecordNames.RoasWindow,
  campaignSpend: RecordNames.CampaignSpend,
  lateEvents: RecordNames.AttributedEvent,
  campaigns: RecordNames.Campaign,
  segments: RecordNames.UserSegments,
  alerts: RecordNames.Alert,
} as const satisfies { readonly [K in TopicKey]?: RecordName };

/** The record each Avro topic of this process's namespace carries, by topic name. */
export const topicRecords: Readonly<Record<TopicName, RecordName>> = Object.fromEntries(
  Object.entries(RECORDS_BY_KEY).map(([key, record]) => [Topics[key as TopicKey], record]),
);

/** Topics written from outside the pipeline: their records may hold raw personal data. */
export const RAW_TOPICS = [Topics.bidRequestsRaw, Topics.userEventsRaw] as const;

/** Topics whose values are Avro records, by key. */
export type AvroTopic = keyof typeof RECORDS_BY_KEY;

/** The record type a topic carries, by its key. */
export type TopicRecord<K extends AvroTopic> = RecordTypes[(typeof RECORDS_BY_KEY)[K]];

/** The record a topic carries, or undefined for dead letters. */
export function recordNameOf(topic: TopicName): RecordName | undefined {
  return topicRecords[topic];
}
