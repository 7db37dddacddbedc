// The auction in-process against the real broker, on topics of its own with a small catalog
// published to its own campaigns topic: one outcome per imp (a win priced between the floor and
// its bid, or a no-fill with a reason), caps that bite after the impressions delivery served
// (each counted once, wins not counted), a request past its tmax as a 101 no-fill, and the stage
// spans nested in the request's trace.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  type AuctionOutcome,
  type Campaign,
  createCodec,
  type Impression,
  type ProfiledRequest,
  RecordNames,
} from '@adtrace/schemas';
import { exampleCampaign, exampleImpression, exampleProfiledRequest } from '@adtrace/schemas/testing';
import { changelogTopic, Headers, type Hop } from '@adtrace/stream';
import type { KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { registerTestTelemetry, type SpanRecord, sumOf, type TestTelemetry } from '../../ingest/test/support.ts';
import { AuctionAttr, createAuction, readEnv, toConfig } from '../src/index.ts';

const run = randomUUID().slice(0, 8);
const HOUR = 3_600_000;
const codecs = {
  campaign: createCodec(RecordNames.Campaign),
  request: createCodec(RecordNames.ProfiledRequest),
  impression: createCodec(RecordNames.Impression),
  outcome: createCodec(RecordNames.AuctionOutcome),
};

/** Three banner campaigns the example user matches; the best one is capped at 2 an hour. */
const cpm = (id: string, bidMicros: number, frequencyCaps: Campaign['frequencyCaps'] = []): Campaign => ({
  ...exampleCampaign,
  id,
  advertiserId: `adv-${id}`,
  frequencyCaps,
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `ad-${id}`, bidType: 'CPM' as const, bidMicros })),
});
const capped = cpm('cmp-capped', 9_000_000, [{ maxImpressions: 2, windowMs: HOUR }]);
const catalog = [capped, cpm('cmp-mid', 5_000_000), cpm('cmp-low', 3_000_000)];

const user = `u1_${run}`;
const base = exampleProfiledRequest;
/** Imp 1 a 300×250 banner (floor 1.25), imp 2 a video no ad can fill. */
function profiled(
  label: string,
  over: Partial<ProfiledRequest['request']> = {},
): ProfiledRequest & { traceId: string; spanId: string } {
  const request = {
    ...base.request,
    id: `req-${label}-${run}`,
    eventId: `ev-${label}-${run}`,
    userKey: user,
    receivedAtMs: Date.now(),
    tmax: 60_000,
    ...over,
  };
  return {
    ...base,
    request,
    profiledAtMs: request.receivedAtMs,
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
  };
}
const impression = (n: number): Impression => ({
  ...exampleImpression,
  eventId: `ev-served-${n}-${run}`,
  impressionId: `ev-served-${n}-${run}.1`,
  userKey: user,
  campaignId: capped.id,
  adId: capped.ads[0]!.id,
  eventTimeMs: Date.now(),
});

let telemetry: TestTelemetry;
let topics: Awaited<
  ReturnType<typeof testTopics<'requests' | 'impressions' | 'outcomes' | 'campaigns' | 'spend' | 'dlq'>>
>;
let hop: Hop;
let group: string;
let producer: Producer;
let outcomes: AuctionOutcome[];
let outcomeMessages: KafkaMessage[];
const kafka = testKafka();
const sent = {
  first: profiled('first'),
  expired: profiled('expired', { receivedAtMs: Date.now() - 10_000, tmax: 100 }),
  second: profiled('second'),
  third: profiled('third'),
  /** Not sampled upstream (trace flags 00), as most requests are at a sampling ratio. */
  unsampled: profiled('unsampled'),
};

async function sendRequest(r: (typeof sent)[keyof typeof sent], flags = '01') {
  const { traceId, spanId, ...value } = r;
  await producer.send({
    topic: topics.names.requests,
    messages: [
      { key: user, value: codecs.request.encode(value), headers: { traceparent: `00-${traceId}-${spanId}-${flags}` } },
    ],
  });
}
async function sendImpressions(...impressions: Impression[]) {
  await producer.send({
    topic: topics.names.impressions,
    messages: impressions.map((i) => ({ key: user, value: codecs.impression.encode(i) })),
  });
}
const committed = (topic: string, n: number) =>
  waitFor(
    `${n} records of ${topic} committed`,
    async () => ((await committedCount(kafka, group, topic)) >= n ? true : undefined),
    60_000,
  );

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['requests', 'impressions', 'outcomes', 'campaigns', 'spend', 'dlq'], {
    compacted: ['campaigns', 'spend'],
  });
  group = uniqueGroupId('auction');
  producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.campaigns,
    messages: catalog.map((c) => ({ key: c.id, value: codecs.campaign.encode(c) })),
  });
  const env = readEnv({ KAFKA_BROKERS: testBrokers().join(',') });
  const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq } });
  const { requests, impressions, outcomes: out, campaigns, spend } = topics.names;
  hop = createAuction(config, { name: group, topics: { requests, impressions, outcomes: out, campaigns, spend } });
  await hop.start();
  // Each step is committed before the next is sent: the two inputs are read independently, so
  // only a commit tells the order in which the auction saw them.
  await sendRequest(sent.first);
  await sendRequest(sent.expired);
  await committed(requests, 2);
  await sendImpressions(impression(1), impression(1)); // delivered twice: counted once
  await committed(impressions, 2);
  await sendRequest(sent.second);
  await committed(requests, 3);
  await sendImpressions(impression(2));
  await committed(impressions, 3);
  await sendRequest(sent.third);
  await committed(requests, 4);
  await sendRequest(sent.unsampled, '00');
  await committed(requests, 5);
  outcomeMessages = await drainTopic(kafka, out);
  outcomes = outcomeMessages.map((m) => codecs.outcome.decode(m.value!));
  await hop.stop();
}, 180_000);

afterAll(async () => {
  await hop?.stop();
  await producer?.disconnect();
  await topics?.admin
    .deleteTopics({ topics: [changelogTopic(group, 'caps'), changelogTopic(group, 'dedupe')] })
    .catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

const of = (r: { request: { eventId: string } }) => outcomes.filter((o) => o.eventId === r.request.eventId);
const banner = (r: { request: { eventId: string } }) => of(r).find((o) => o.impId === '1')!;
const spansNamed = (name: string, traceId: string): SpanRecord[] =>
  telemetry.spans().filter((s) => s.name === name && s.traceId === traceId);

describe('auction', () => {
  it('decides every imp once: a win priced between the floor and its bid, a no-fill with a reason', () => {
    expect(outcomes).toHaveLength(Object.keys(sent).length * 2);
    const first = of(sent.first);
    expect(first.map((o) => o.impId).sort()).toEqual(['1', '2']);
    const win = banner(sent.first);
    expect(win).toMatchObject({
      outcome: 'WIN',
      noFill: null,
      userKey: user,
      requestId: sent.first.request.id,
      placement: sent.first.request.site!.domain,
    });
    expect(win.win).toMatchObject({ campaignId: capped.id, adId: 'ad-cmp-capped', floorCpmMicros: 1_250_000 });
    expect(win.win!.clearingPriceCpmMicros).toBeLessThanOrEqual(win.win!.bidMicros);
    expect(win.win!.clearingPriceCpmMicros).toBeGreaterThanOrEqual(win.win!.floorCpmMicros);
    // Second price: what it takes to beat the runner-up (5.00), plus one micro.
    expect(win.win!.clearingPriceCpmMicros).toBe(5_000_001);
    expect(win.modelVersion).toMatch(/\S/);
    const video = first.find((o) => o.impId === '2')!;
    expect(video).toMatchObject({ outcome: 'NO_FILL', win: null, noFill: { reason: 'NO_CANDIDATES' } });
    for (const m of outcomeMessages) {
      expect(m.key!.toString()).toBe(user);
      expect(header(m.headers, Headers.eventId)).toBe(codecs.outcome.decode(m.value!).eventId);
    }
  });

  it('counts served impressions against the caps, once each and never wins: the cap bites at the second', () => {
    // After the first win and one impression delivered twice, the capped campaign still wins.
    expect(banner(sent.second).win?.campaignId).toBe(capped.id);
    // After a second impression its cap (2 an hour) is full: the next best wins the third.
    const third = banner(sent.third);
    expect(third.win).toMatchObject({ campaignId: 'cmp-mid', runnerUp: { campaignId: 'cmp-low' } });
    const policy = spansNamed('ads.policy_filter', sent.third.traceId).find(
      (s) => s.attributes[AuctionAttr.impId] === '1',
    )!;
    expect(policy.attributes).toMatchObject({
      'policy.input_count': 3,
      'policy.removed_frequency_cap': 1,
      'policy.remaining': 2,
    });
    // Each impression's process span says what it did to the caps; the copy was dropped unapplied.
    const impressionSpans = telemetry.spans().filter((s) => s.name === `process ${topics.names.impressions}`);
    expect(impressionSpans.map((s) => s.attributes[AuctionAttr.capUpdate] ?? 'duplicate').sort()).toEqual([
      'duplicate',
      'recorded',
      'recorded',
    ]);
    expect(impressionSpans.filter((s) => s.attributes['adtrace.duplicate'] === true)).toHaveLength(1);
  });

  it('decides an unsampled request like any other, records none of its spans, and passes its trace on unsampled', () => {
    const { traceId } = sent.unsampled;
    expect(
      of(sent.unsampled)
        .map((o) => o.impId)
        .sort(),
    ).toEqual(['1', '2']);
    expect(telemetry.spans().filter((s) => s.traceId === traceId)).toEqual([]);
    const out = outcomeMessages.filter(
      (m) => codecs.outcome.decode(m.value!).eventId === sent.unsampled.request.eventId,
    );
    const parents = out.map((m) => header(m.headers, Headers.traceparent)?.split('-'));
    expect(parents.map((p) => [p?.[1], p?.[3]])).toEqual([
      [traceId, '00'],
      [traceId, '00'],
    ]);
  });

  it('refuses a request older than its tmax: a 101 timeout no-fill for each imp, counted by reason', async () => {
    const expired = of(sent.expired);
    expect(expired).toHaveLength(2);
    for (const o of expired) {
      expect(o).toMatchObject({
        outcome: 'NO_FILL',
        win: null,
        modelVersion: null,
        noFill: { reason: 'TIMEOUT', code: 101 },
      });
    }
    const points = await telemetry.points();
    expect(sumOf(points, 'ads.no_fill.total', { reason: 'TIMEOUT' })).toBe(2);
    // The video imp of first, second, third and unsampled: metrics count every request, sampled or not.
    expect(sumOf(points, 'ads.no_fill.total', { reason: 'NO_CANDIDATES' })).toBe(4);
    expect(points.some((p) => p.name === 'ads.auction.latency_ms')).toBe(true);
  });

  it('nests its spans in the request’s trace: process → candidate_selection → policy_filter → auction → score_ad and send', () => {
    const { traceId, spanId } = sent.first;
    const process = spansNamed(`process ${topics.names.requests}`, traceId);
    expect(process).toHaveLength(1);
    expect(process[0]!.parentSpanId).toBe(spanId);
    const selection = spansNamed('ads.candidate_selection', traceId).find(
      (s) => s.attributes[AuctionAttr.impId] === '1',
    )!;
    expect(selection.parentSpanId).toBe(process[0]!.spanId);
    expect(selection.attributes).toMatchObject({ 'candidates.total': 3, 'candidates.segments_matched': 3 });
    const policy = spansNamed('ads.policy_filter', traceId).find((s) => s.parentSpanId === selection.spanId)!;
    expect(policy.attributes).toMatchObject({
      'policy.removed_frequency_cap': 0,
      'policy.removed_policy_violation': 0,
    });
    const auction = spansNamed('ads.auction', traceId).find((s) => s.parentSpanId === policy.spanId)!;
    expect(auction.attributes).toMatchObject({
      'auction.participants': 3,
      'auction.type': 'second_price',
      'auction.winning_bid_cpm': 9,
      'auction.second_price_cpm': 5,
      'auction.winning_advertiser': 'adv-cmp-capped',
      'adtrace.event_id': sent.first.request.eventId,
    });
    const scored = spansNamed('ads.auction.score_ad', traceId).filter((s) => s.parentSpanId === auction.spanId);
    expect(scored.map((s) => s.attributes['ad.id'])).toEqual(['ad-cmp-capped', 'ad-cmp-mid', 'ad-cmp-low']);
    // No span per output: the outcome, emitted inside ads.auction, carries its context (delivery's
    // process span will be its child).
    expect(spansNamed(`send ${topics.names.outcomes}`, traceId)).toEqual([]);
    const out = outcomeMessages.find((m) => {
      const o = codecs.outcome.decode(m.value!);
      return o.eventId === sent.first.request.eventId && o.impId === '1';
    })!;
    expect(header(out.headers, Headers.traceparent)?.split('-').slice(1, 3)).toEqual([traceId, auction.spanId]);
    // The video imp no ad fits: its own chain, no score_ad.
    const videoAuction = spansNamed('ads.auction', traceId).find((s) => s.attributes[AuctionAttr.impId] === '2')!;
    expect(videoAuction.attributes[AuctionAttr.noFillReason]).toBe('NO_CANDIDATES');
    // The timed-out request never reached the stages: only ads.auction, under its process span.
    const late = spansNamed('ads.auction', sent.expired.traceId);
    expect(late).toHaveLength(2);
    expect(spansNamed('ads.candidate_selection', sent.expired.traceId)).toEqual([]);
  });
});
