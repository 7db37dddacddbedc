// Budgets on the real broker: the auction reads what aggregation says each campaign has spent
// (the compacted campaign-spend topic, a global table) and drops a campaign whose total or
// today's budget is spent — today's in the budget's own currency, and only while that spend is
// of the current UTC day. The spend is published before the auction starts: a global table is
// read to its end before the first request is decided.
import { randomBytes, randomUUID } from 'node:crypto';
import { type AuctionOutcome, type Campaign, type CampaignSpend, createCodec, RecordNames } from '@adtrace/schemas';
import { exampleCampaign, exampleProfiledRequest } from '@adtrace/schemas/testing';
import { changelogTopic, type Hop } from '@adtrace/stream';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { registerTestTelemetry, type TestTelemetry } from '../../../test/support/telemetry.ts';
import { AuctionAttr, createAuction, readEnv, toConfig } from '../src/index.ts';

const run = randomUUID().slice(0, 8);
const DAY = 86_400_000;
const codecs = {
  campaign: createCodec(RecordNames.Campaign),
  spend: createCodec(RecordNames.CampaignSpend),
  request: createCodec(RecordNames.ProfiledRequest),
  outcome: createCodec(RecordNames.AuctionOutcome),
};

const cpm = (id: string, bidMicros: number, budget: Campaign['budget']): Campaign => ({
  ...exampleCampaign,
  id,
  advertiserId: `adv-${id}`,
  frequencyCaps: [],
  budget,
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `ad-${id}`, bidType: 'CPM' as const, bidMicros })),
});
const usd = (totalMicros: number, dailyMicros: number | null = null) => ({ totalMicros, dailyMicros, currency: 'USD' });
const now = Date.now();
const today = Math.floor(now / DAY) * DAY;
/** Highest bid, lifetime budget spent. */
const spentTotal = cpm('cmp-spent-total', 12_000_000, usd(10_000_000));
/** Next, today's budget spent: 4 EUR a day, 4.40 USD spent today at 1.10 USD per EUR. */
const spentToday = cpm('cmp-spent-today', 11_000_000, { totalMicros: 1e12, dailyMicros: 4_000_000, currency: 'EUR' });
/** Next, spent its daily budget yesterday: bids again today. */
const spentYesterday = cpm('cmp-spent-yesterday', 10_000_000, usd(1e12, 4_000_000));
const unspent = cpm('cmp-unspent', 3_000_000, usd(1e12));
const catalog = [spentTotal, spentToday, spentYesterday, unspent];

const spend = (campaignId: string, totalSpendMicros: number, todaySpendMicros: number, dayStartMs: number) =>
  ({
    campaignId,
    currency: 'USD',
    totalSpendMicros,
    todaySpendMicros,
    dayStartMs,
    impressions: 10,
    clicks: 0,
    updatedAtMs: dayStartMs,
    emittedAtMs: now,
  }) satisfies CampaignSpend;
const spends = [
  spend(spentTotal.id, 10_000_000, 0, today),
  spend(spentToday.id, 4_400_000, 4_400_000, today),
  spend(spentYesterday.id, 9_000_000, 9_000_000, today - DAY),
];

const user = `u_${run}`;
const request = {
  ...exampleProfiledRequest,
  request: {
    ...exampleProfiledRequest.request,
    id: `req-${run}`,
    eventId: `ev-${run}`,
    userKey: user,
    receivedAtMs: now,
    tmax: 60_000,
  },
  profiledAtMs: now,
};
const traceId = randomBytes(16).toString('hex');

let telemetry: TestTelemetry;
let topics: Awaited<
  ReturnType<typeof testTopics<'requests' | 'impressions' | 'outcomes' | 'campaigns' | 'spend' | 'dlq'>>
>;
let hop: Hop;
let group: string;
let producer: Producer;
let outcomes: AuctionOutcome[];
const kafka = testKafka();

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['requests', 'impressions', 'outcomes', 'campaigns', 'spend', 'dlq'], {
    compacted: ['campaigns', 'spend'],
  });
  group = uniqueGroupId('auction-budget');
  producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: topics.names.campaigns,
    messages: catalog.map((c) => ({ key: c.id, value: codecs.campaign.encode(c) })),
  });
  await producer.send({
    topic: topics.names.spend,
    messages: spends.map((s) => ({ key: s.campaignId, value: codecs.spend.encode(s) })),
  });
  const env = readEnv({ KAFKA_BROKERS: testBrokers().join(','), AUCTION_USD_RATES: 'EUR=1.10' });
  const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq } });
  const { requests, impressions, outcomes: out, campaigns } = topics.names;
  hop = createAuction(config, {
    name: group,
    topics: { requests, impressions, outcomes: out, campaigns, spend: topics.names.spend },
  });
  await hop.start();
  await producer.send({
    topic: requests,
    messages: [
      {
        key: user,
        value: codecs.request.encode(request),
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      },
    ],
  });
  await waitFor(
    'the request committed',
    async () => ((await committedCount(kafka, group, requests)) >= 1 ? true : undefined),
    60_000,
  );
  outcomes = (await drainTopic(kafka, out)).map((m) => codecs.outcome.decode(m.value!));
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

describe('auction budgets', () => {
  it('drops the campaigns whose lifetime or today’s budget is spent; yesterday’s spend does not count today', () => {
    const banner = outcomes.find((o) => o.impId === '1')!;
    expect(banner.win).toMatchObject({ campaignId: spentYesterday.id, runnerUp: { campaignId: unspent.id } });
    const policy = telemetry
      .spans()
      .find((s) => s.name === 'ads.policy_filter' && s.traceId === traceId && s.attributes[AuctionAttr.impId] === '1');
    expect(policy?.attributes).toMatchObject({
      'policy.input_count': 4,
      'policy.removed_budget': 2,
      'policy.removed_pacing': 0,
      'policy.remaining': 2,
    });
  });
});
