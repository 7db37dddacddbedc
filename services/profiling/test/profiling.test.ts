// The profiling service in-process against the real broker, on topics of its own: segments
// published before it starts are in the global table for the very first request, a profiled
// request carries them, the trace and the event id go on, anonymous requests get no profile.
import { randomBytes, randomUUID } from 'node:crypto';
import { type BidRequest, createCodec, type ProfiledRequest, RecordNames, type UserSegments } from '@adtrace/schemas';
import { exampleBidRequest, exampleUserSegments } from '@adtrace/schemas/testing';
import { Headers, type Hop } from '@adtrace/stream';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import type { SpanRecord } from '../../../packages/stream/test/support/sdk.ts';
import {
  registerTestMetrics,
  registerTestTracing,
  type TestTracing,
} from '../../../packages/stream/test/support/tracing.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createProfiling, readEnv, toConfig, USER_KEY_ATTRIBUTE } from '../src/index.ts';

const run = randomUUID().slice(0, 8);
const requestCodec = createCodec(RecordNames.BidRequest);
const profiledCodec = createCodec(RecordNames.ProfiledRequest);
const segmentsCodec = createCodec(RecordNames.UserSegments);

const keys = {
  known: `u1_known-${run}`,
  updated: `d1_updated-${run}`,
  unknown: `u1_unknown-${run}`,
  anonymous: `anon_ev-anon-${run}`,
};
const segmentsOf = (userKey: string, segments: string[], builderVersion = 1): UserSegments => ({
  ...exampleUserSegments,
  userKey,
  segments,
  interests: ['IAB19', 'IAB20'],
  ageBracket: 'AGE_35_44',
  builderVersion,
});
/** In topic order: the table must hold the last record of each key; the anonymous key's must never be read. */
const published: UserSegments[] = [
  segmentsOf(keys.known, ['seg-known-a', 'seg-known-b']),
  segmentsOf(keys.updated, ['seg-old']),
  segmentsOf(keys.updated, ['seg-new-1', 'seg-new-2', 'seg-new-3'], 2),
  segmentsOf(keys.anonymous, ['seg-must-not-be-read']),
];

interface Sent {
  readonly label: string;
  readonly request: BidRequest;
  readonly traceId: string;
  readonly spanId: string;
}
const sent = (label: string, userKey: string): Sent => ({
  label,
  request: { ...exampleBidRequest, id: `req-${label}-${run}`, eventId: `ev-${label}-${run}`, userKey },
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
});
// Two requests of the known user, in order in one partition: the second is served from the cache.
const requests = {
  first: sent('first', keys.known),
  again: sent('again', keys.known),
  updated: sent('updated', keys.updated),
  unknown: sent('unknown', keys.unknown),
  anonymous: sent('anonymous', keys.anonymous),
};
const all = Object.values(requests);

let tracing: TestTracing;
let meters: ReturnType<typeof registerTestMetrics>;
let topics: Awaited<ReturnType<typeof testTopics<'requests' | 'profiled' | 'segments' | 'dlq'>>>;
let hop: Hop;
let outputs: KafkaMessage[];
let deadLetters: KafkaMessage[];

beforeAll(async () => {
  tracing = registerTestTracing();
  meters = registerTestMetrics();
  topics = await testTopics(['requests', 'profiled', 'segments', 'dlq'], { compacted: ['segments'] });
  const group = uniqueGroupId('profiling');
  const kafka = testKafka();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.segments,
    messages: published.map((s) => ({ key: s.userKey, value: segmentsCodec.encode(s) })),
  });
  // Keyed by user key as ingest writes them, with ingest's ads.serve span as the traceparent.
  await producer.send({
    topic: topics.names.requests,
    messages: all.map((s) => ({
      key: s.request.userKey,
      value: requestCodec.encode(s.request),
      headers: { traceparent: `00-${s.traceId}-${s.spanId}-01`, [Headers.eventId]: s.request.eventId },
    })),
  });
  await producer.disconnect();
  const env = readEnv({ KAFKA_BROKERS: testBrokers().join(',') });
  const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq, batchSize: 2 } });
  hop = createProfiling(config, {
    name: group,
    topics: { requests: topics.names.requests, profiled: topics.names.profiled, segments: topics.names.segments },
  });
  await hop.start();
  await waitFor(
    'every request committed',
    async () => ((await committedCount(kafka, group, topics.names.requests)) >= all.length ? true : undefined),
    60_000,
  );
  [outputs, deadLetters] = await Promise.all([
    drainTopic(kafka, topics.names.profiled),
    drainTopic(kafka, topics.names.dlq),
  ]);
  await hop.stop();
});

afterAll(async () => {
  await hop?.stop();
  await topics?.cleanup();
  await meters?.shutdown();
  await tracing?.shutdown();
});

const decoded = (m: KafkaMessage): ProfiledRequest => profiledCodec.decode(m.value!);
const outputOf = (s: Sent): KafkaMessage => {
  const found = outputs.filter((m) => decoded(m).request.eventId === s.request.eventId);
  expect(found, `${s.label}: one output`).toHaveLength(1);
  return found[0]!;
};
const profileSpanOf = (s: Sent): SpanRecord => {
  const found = tracing
    .spans()
    .filter((x) => x.name === 'ads.build_user_profile' && x.attributes['adtrace.event_id'] === s.request.eventId);
  expect(found, `${s.label}: one ads.build_user_profile`).toHaveLength(1);
  return found[0]!;
};

describe('profiling', () => {
  it('profiles every request once, keyed by user key, with nothing dead-lettered', () => {
    expect(outputs).toHaveLength(all.length);
    expect(deadLetters).toEqual([]);
    for (const s of all) {
      const out = outputOf(s);
      expect(out.key?.toString()).toBe(s.request.userKey);
      expect(decoded(out).request).toEqual(s.request);
    }
  });

  it('uses the segments published before it started for the first request: the global table was caught up', () => {
    const first = decoded(outputOf(requests.first));
    expect(first.profile).toMatchObject({
      segments: ['seg-known-a', 'seg-known-b'],
      interests: ['IAB19', 'IAB20'],
      ageBracket: 'AGE_35_44',
      geoRegion: 'GBR-LND',
      cacheHit: false,
    });
    expect(first.profile.embedding.length).toBeGreaterThan(0);
    // The latest record of a user wins.
    expect(decoded(outputOf(requests.updated)).profile.segments).toEqual(['seg-new-1', 'seg-new-2', 'seg-new-3']);
  });

  it('serves a user’s next request from the cache, and says so on the record and the span', () => {
    const [first, again] = [requests.first, requests.again].map((s) => decoded(outputOf(s)).profile);
    expect(again).toEqual({ ...first, cacheHit: true });
    expect(profileSpanOf(requests.again).attributes['profile.cache_hit']).toBe(true);
  });

  it('gives an unknown user and an anonymous request no user data; the anonymous one reads no segments at all', () => {
    for (const s of [requests.unknown, requests.anonymous]) {
      expect(decoded(outputOf(s)).profile, s.label).toMatchObject({
        segments: [],
        interests: [],
        ageBracket: 'UNKNOWN',
        embedding: [],
        geoRegion: 'GBR-LND',
      });
    }
    expect(profileSpanOf(requests.anonymous).attributes['profile.personalized']).toBe(false);
    expect(profileSpanOf(requests.unknown).attributes['profile.personalized']).toBe(true);
  });

  it('continues the trace: process span child of the producer span, ads.build_user_profile its child, with the profile attributes', () => {
    const spans = tracing.spans();
    for (const s of all) {
      const profile = profileSpanOf(s);
      expect(profile.traceId, s.label).toBe(s.traceId);
      const process = spans.find((x) => x.spanId === profile.parentSpanId)!;
      expect(process.name).toBe(`process ${topics.names.requests}`);
      expect(process.parentSpanId).toBe(s.spanId);
      expect(profile.attributes[USER_KEY_ATTRIBUTE]).toBe(s.request.userKey);
    }
    expect(profileSpanOf(requests.updated).attributes).toMatchObject({
      'profile.segments_count': 3,
      'profile.interests_count': 2,
      'profile.age_bracket': 'AGE_35_44',
      'profile.geo_region': 'GBR-LND',
      'profile.cache_hit': false,
    });
  });

  it('keeps the event id header and writes the output in the event’s trace', () => {
    for (const s of all) {
      const out = outputOf(s);
      expect(header(out.headers, Headers.eventId), s.label).toBe(s.request.eventId);
      expect(header(out.headers, Headers.traceparent)?.split('-')[1], s.label).toBe(s.traceId);
    }
  });

  it('counts profiles by personalization, known user and cache hit', async () => {
    const counted = await meters.collect();
    expect(counted.get('ads.profiling.profiles')).toBe(all.length);
  });
});
