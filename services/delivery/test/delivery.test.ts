// The delivery service in-process against the real broker, on topics of its own: a WIN becomes
// one Impression keyed by user key whose token verifies and carries the outcome's trace, a
// NO_FILL produces nothing, a redelivered outcome no second impression, an ad missing from the
// catalog is a dead letter, and the spans sit in each event's trace.
import { randomBytes, randomUUID } from 'node:crypto';
import { createTokenSigner, splitImpressionId } from '@adtrace/ads';
import { type AuctionOutcome, type Campaign, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { exampleAuctionNoFill, exampleAuctionWin, exampleCampaign } from '@adtrace/schemas/testing';
import { changelogTopic, DeadLetterHeaders, Headers, type Hop } from '@adtrace/stream';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createDelivery, DeliveryAttr, readEnv, toConfig } from '../src/index.ts';
import { registerTestTelemetry, type SpanRecord, sumOf, type TestTelemetry } from './support.ts';

const KEYS = `old=${randomBytes(32).toString('hex')},new=${randomBytes(32).toString('hex')}`;
const run = randomUUID().slice(0, 8);
// The serving clock is fixed, and each outcome's record timestamp (the request's receivedAtMs)
// is 40 ms before it: the latency is known exactly without timing anything.
const SERVED_AT = Date.now();
const RECEIVED_AT = SERVED_AT - 40;

const cpcCampaign: Campaign = { ...exampleCampaign, id: `cmp-cpc-${run}` };
const cpmAd = {
  ...exampleCampaign.ads[0]!,
  id: `ad-cpm-${run}`,
  bidType: 'CPM' as const,
  bidMicros: 5_000_000,
  creative: {
    ...exampleCampaign.ads[0]!.creative,
    id: `cr-video-${run}`,
    format: 'VIDEO' as const,
    w: 640,
    h: 360,
    markup: '<VAST><Ad><InLine><Impression><![CDATA[{IMP_URL}]]></Impression></InLine></Ad></VAST>',
  },
};
const cpmCampaign: Campaign = { ...exampleCampaign, id: `cmp-cpm-${run}`, ads: [cpmAd] };

const eventId = (label: string) => `${run}-${label}-0000-8000-000000000000`;
const win = (label: string, impId: string, over: Partial<AuctionOutcome['win'] & object> = {}): AuctionOutcome => ({
  ...exampleAuctionWin,
  eventId: eventId(label),
  requestId: `req-${label}-${run}`,
  impId,
  userKey: `u1_user-${label}-${run}`,
  win: { ...exampleAuctionWin.win!, campaignId: cpcCampaign.id, ...over },
});

interface Sent {
  readonly label: string;
  readonly outcome: AuctionOutcome;
  readonly traceId: string;
  readonly spanId: string;
}
const sent = (label: string, outcome: AuctionOutcome): Sent => ({
  label,
  outcome,
  traceId: randomBytes(16).toString('hex'),
  spanId: randomBytes(8).toString('hex'),
});

const wins = {
  // Two winning imps of one request: two impressions.
  cpc1: sent('cpc', win('two', '1')),
  cpc2: sent('cpc', win('two', '2')),
  cpm: sent('cpm', {
    ...win('cpm', '1', { campaignId: cpmCampaign.id, adId: cpmAd.id, bidType: 'CPM' }),
    placement: 'com.example.app',
  }),
};
const noFill = sent('nofill', { ...exampleAuctionNoFill, eventId: eventId('nofill'), userKey: `u1_nf-${run}` });
const unknownAd = sent('unknown', win('unknown', '1', { adId: `ad-gone-${run}` }));
// The auction broke the record's contract: WIN without a winner.
const broken = sent('broken', { ...win('broken', '1'), win: null });
// The auction's outcome delivered again (a retry after a lost commit): same record, its own trace.
const duplicate = sent('duplicate', wins.cpc1.outcome);
const everything = [...Object.values(wins), noFill, unknownAd, broken, duplicate];

let telemetry: TestTelemetry;
let topics: Awaited<ReturnType<typeof testTopics<'outcomes' | 'impressions' | 'campaigns' | 'dlq'>>>;
let hop: Hop;
let group: string;
let impressions: KafkaMessage[];
let deadLetters: KafkaMessage[];
const impressionCodec = createCodec(RecordNames.Impression);
const decoded = (m: KafkaMessage): Impression => impressionCodec.decode(m.value!);
const signer = createTokenSigner(
  toConfig(readEnv({ DELIVERY_TOKEN_KEYS: KEYS, DELIVERY_TOKEN_KEY_ID: 'new' })).keyring,
);

const campaignCodec = createCodec(RecordNames.Campaign);
const outcomeCodec = createCodec(RecordNames.AuctionOutcome);

async function publishCampaigns(campaigns: readonly Campaign[]): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.campaigns,
    messages: campaigns.map((c) => ({ key: c.id, value: Buffer.from(campaignCodec.encode(c)) })),
  });
  await producer.disconnect();
}

/** Keyed by user key, as the auction writes them: a duplicate follows its original in one partition. */
async function sendOutcomes(list: readonly Sent[]): Promise<void> {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.outcomes,
    messages: list.map((s) => ({
      key: s.outcome.userKey,
      value: Buffer.from(outcomeCodec.encode(s.outcome)),
      timestamp: String(RECEIVED_AT),
      headers: { traceparent: `00-${s.traceId}-${s.spanId}-01`, [Headers.eventId]: s.outcome.eventId },
    })),
  });
  await producer.disconnect();
}

/** A delivery hop on this file's topics and group: a second one restores the first's state. */
function startDelivery(): Hop {
  const env = readEnv({
    DELIVERY_TOKEN_KEYS: KEYS,
    DELIVERY_TOKEN_KEY_ID: 'new',
    KAFKA_BROKERS: testBrokers().join(','),
  });
  const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq, batchSize: 4 } });
  return createDelivery(config, {
    name: group,
    now: () => SERVED_AT,
    topics: {
      outcomes: topics.names.outcomes,
      impressions: topics.names.impressions,
      campaigns: topics.names.campaigns,
    },
  });
}

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['outcomes', 'impressions', 'campaigns', 'dlq'], { compacted: ['campaigns'] });
  group = uniqueGroupId('delivery');
  const kafka = testKafka();
  await publishCampaigns([cpcCampaign, cpmCampaign]);
  await sendOutcomes(everything);
  hop = startDelivery();
  await hop.start();
  await waitFor(
    'every outcome committed',
    async () => ((await committedCount(kafka, group, topics.names.outcomes)) >= everything.length ? true : undefined),
    60_000,
  );
  [impressions, deadLetters] = await Promise.all([
    drainTopic(kafka, topics.names.impressions),
    drainTopic(kafka, topics.names.dlq),
  ]);
  await hop.stop();
});

afterAll(async () => {
  await hop?.stop();
  await topics?.admin.deleteTopics({ topics: [changelogTopic(group, 'dedupe')] }).catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

const spansNamed = (name: string): SpanRecord[] => telemetry.spans().filter((s) => s.name === name);
const impressionOf = (s: Sent) =>
  impressions.filter((m) => decoded(m).impressionId === `${s.outcome.eventId}.${s.outcome.impId}`);

describe('delivery', () => {
  it('turns each WIN into one Impression keyed by user key, whose token verifies and carries the outcome’s trace', () => {
    for (const s of Object.values(wins)) {
      const [out, ...more] = impressionOf(s);
      expect(more, `${s.label}: one impression`).toEqual([]);
      const impression = decoded(out!);
      expect(out!.key!.toString()).toBe(s.outcome.userKey);
      expect(header(out!.headers, Headers.eventId)).toBe(s.outcome.eventId);
      expect(header(out!.headers, Headers.traceparent)?.split('-')[1]).toBe(s.traceId);
      expect(splitImpressionId(impression.impressionId)).toEqual({
        eventId: s.outcome.eventId,
        impId: s.outcome.impId,
      });
      expect(impression).toMatchObject({
        userKey: s.outcome.userKey,
        campaignId: s.outcome.win!.campaignId,
        adId: s.outcome.win!.adId,
        modelVersion: s.outcome.modelVersion,
        eventTimeMs: SERVED_AT,
      });
      const claims = signer.verify(impression.trackingToken, SERVED_AT);
      expect(claims).toMatchObject({
        impressionId: impression.impressionId,
        eventId: s.outcome.eventId,
        campaignId: s.outcome.win!.campaignId,
        adId: s.outcome.win!.adId,
        userKey: s.outcome.userKey,
        clearingPriceCpmMicros: s.outcome.win!.clearingPriceCpmMicros,
        expiresAtMs: SERVED_AT + 7 * 86_400_000,
        keyId: 'new',
      });
      // The token's traceparent is ads.prepare_creative's: in the outcome's trace, so a click continues it.
      const [, traceId, spanId] = claims.traceparent.split('-');
      expect(traceId).toBe(s.traceId);
      const prepare = spansNamed('ads.prepare_creative').find((x) => x.spanId === spanId)!;
      expect(prepare.attributes[DeliveryAttr.impressionId]).toBe(impression.impressionId);
    }
  });

  it('prices CPM on the impression and CPC per click, from the clearing CPM', () => {
    const cpm = decoded(impressionOf(wins.cpm)[0]!);
    expect(cpm).toMatchObject({
      bidType: 'CPM',
      priceMicros: Math.round(wins.cpm.outcome.win!.clearingPriceCpmMicros / 1000),
    });
    expect(cpm.clickPriceMicros).toBe(0);
    const cpc = decoded(impressionOf(wins.cpc1)[0]!);
    expect(cpc).toMatchObject({ bidType: 'CPC', priceMicros: 0, clickPriceMicros: 576_000 });
  });

  it('produces nothing for a NO_FILL and counts it by reason', async () => {
    expect(impressions.filter((m) => decoded(m).eventId === noFill.outcome.eventId)).toEqual([]);
    const points = await telemetry.points();
    expect(
      sumOf(points, 'ads.delivery.outcomes', { 'ads.outcome': 'NO_FILL', 'ads.no_fill_reason': 'BELOW_FLOOR' }),
    ).toBe(1);
    expect(spansNamed('ads.prepare_creative').filter((x) => x.traceId === noFill.traceId)).toEqual([]);
  });

  it('drops a redelivered outcome: no second impression, counted as a duplicate', async () => {
    expect(impressionOf(wins.cpc1)).toHaveLength(1);
    expect(impressions).toHaveLength(Object.keys(wins).length);
    const process = telemetry
      .spans()
      .find((x) => x.traceId === duplicate.traceId && x.name === `process ${topics.names.outcomes}`);
    expect(process?.events.map((e) => e.name)).toContain('adtrace.duplicate');
    expect(sumOf(await telemetry.points(), 'adtrace.stream.duplicates')).toBe(1);
  });

  it('dead-letters a win whose ad is not in the campaigns table, naming it, and a WIN without a winner', () => {
    expect(deadLetters).toHaveLength(2);
    const of = (s: Sent) => deadLetters.find((m) => m.key?.toString() === s.outcome.userKey)!;
    expect(header(of(unknownAd).headers, DeadLetterHeaders.code)).toBe('UNKNOWN_AD');
    expect(header(of(unknownAd).headers, DeadLetterHeaders.reason)).toContain(`ad-gone-${run}`);
    expect(header(of(broken).headers, DeadLetterHeaders.code)).toBe('WIN_WITHOUT_WINNER');
  });

  it('puts ads.prepare_creative in the event’s trace: upstream → process → prepare → the impression’s traceparent, with the creative’s attributes', () => {
    for (const s of Object.values(wins)) {
      const impressionId = `${s.outcome.eventId}.${s.outcome.impId}`;
      const prepare = spansNamed('ads.prepare_creative').find(
        (x) => x.attributes[DeliveryAttr.impressionId] === impressionId,
      )!;
      expect(prepare.traceId).toBe(s.traceId);
      const process = telemetry.spans().find((x) => x.spanId === prepare.parentSpanId)!;
      expect(process.name).toBe(`process ${topics.names.outcomes}`);
      expect(process.parentSpanId).toBe(s.spanId);
      // No span per output: the impression, emitted inside prepare, carries prepare's context.
      const [impression] = impressions.filter((m) => decoded(m).impressionId === impressionId);
      expect(header(impression!.headers, 'traceparent')?.split('-').slice(1, 3)).toEqual([s.traceId, prepare.spanId]);
      expect(process.attributes['adtrace.kafka.produced_topics']).toBe(topics.names.impressions);
      expect(prepare.attributes).toMatchObject({
        'ads.ad_served': true,
        'ads.winning_ad_id': s.outcome.win!.adId,
        'adtrace.event_id': s.outcome.eventId,
        'user.key': s.outcome.userKey,
      });
    }
    const cpm = spansNamed('ads.prepare_creative').find((x) => x.traceId === wins.cpm.traceId)!;
    expect(cpm.attributes).toMatchObject({
      'creative.type': 'VIDEO',
      'creative.format': '640x360',
      'creative.markup_type': 'vast',
    });
    const cpc = spansNamed('ads.prepare_creative').find((x) => x.traceId === wins.cpc1.traceId)!;
    expect(cpc.attributes).toMatchObject({ 'creative.type': 'BANNER', 'creative.format': '300x250' });
  });

  it('records the serving latency from the request’s receipt and counts what it served', async () => {
    const points = await telemetry.points();
    const latency = points.filter((p) => p.name === 'ads.serving.latency_ms');
    expect(latency.reduce((n, p) => n + p.count, 0)).toBe(Object.keys(wins).length);
    expect(latency.reduce((n, p) => n + p.value, 0)).toBe(40 * Object.keys(wins).length);
    expect(sumOf(points, 'ads.served.total')).toBe(Object.keys(wins).length);
    expect(sumOf(points, 'ads.served.total', { 'creative.type': 'VIDEO' })).toBe(1);
    // By placement (the site's domain or the app's bundle the auction put on the outcome).
    expect(sumOf(points, 'ads.served.total', { 'ads.placement': exampleAuctionWin.placement })).toBe(2);
    expect(sumOf(points, 'ads.served.total', { 'ads.placement': 'com.example.app' })).toBe(1);
  });
});

describe('delivery restarted, once the missing ad is published', () => {
  // The dead letter replayed (`adtrace dlq replay` writes the outcome again), and the first win
  // redelivered once more, across the restart.
  const replayed = sent('replayed', unknownAd.outcome);
  const again = sent('again', wins.cpc1.outcome);
  let after: KafkaMessage[];

  beforeAll(async () => {
    const ads = [...cpcCampaign.ads, { ...cpcCampaign.ads[0]!, id: unknownAd.outcome.win!.adId }];
    await publishCampaigns([{ ...cpcCampaign, ads }]);
    await sendOutcomes([replayed, again]);
    // A new hop on the same group: the campaigns table is caught up before any input, and the
    // de-duplication store is restored from its changelog.
    hop = startDelivery();
    await hop.start();
    const kafka = testKafka();
    const total = everything.length + 2;
    await waitFor(
      'the replay committed',
      async () => ((await committedCount(kafka, group, topics.names.outcomes)) >= total ? true : undefined),
      60_000,
    );
    after = await drainTopic(kafka, topics.names.impressions);
    await hop.stop();
  });

  it('serves the replayed dead letter, in its trace, and still drops the redelivered win', () => {
    expect(after).toHaveLength(impressions.length + 1);
    const served = after.filter((m) => decoded(m).adId === unknownAd.outcome.win!.adId);
    expect(served).toHaveLength(1);
    expect(header(served[0]!.headers, Headers.traceparent)?.split('-')[1]).toBe(replayed.traceId);
    const id = `${wins.cpc1.outcome.eventId}.${wins.cpc1.outcome.impId}`;
    expect(after.filter((m) => decoded(m).impressionId === id)).toHaveLength(1);
    const process = telemetry
      .spans()
      .find((x) => x.traceId === again.traceId && x.name === `process ${topics.names.outcomes}`);
    expect(process?.attributes['adtrace.duplicate']).toBe(true);
  });
});
