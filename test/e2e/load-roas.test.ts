// `adtrace load` through the whole pipeline, exact: the six services in-process (ingest,
// profiling, auction, delivery, tracking, aggregation) on topics and groups of this test, on
// second-long windows, with the demo catalog and segments published first. The load sends its
// OpenRTB requests and plays the trackers for the impressions delivery serves (clicks and
// conversions from the ground truth, with late, duplicated, forged and out-of-window ones), and
// keeps the truth of what it sent. The final ROAS windows (latest revision of each) must equal
// that truth exactly, per campaign and window: impressions, clicks, conversions (click- and
// view-through), spend, revenue and late-dropped.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  applyRoasRecord,
  createUserKeyer,
  currentRows,
  DEMO_CATALOG_URL,
  DEMO_USERS_URL,
  type DemoUser,
  demoUserEventModel,
  EMPTY_ROAS_TABLE,
  parseNdjson,
  type SimTruth,
  type TruthWindow,
} from '@adtrace/ads';
import { type Campaign, createCodec, RecordNames, type RoasWindow } from '@adtrace/schemas';
import { DeadLetterHeaders, type Hop } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineWindows } from '../../packages/cli/src/load/pipeline-windows.ts';
import { sendLoad } from '../../packages/cli/src/load/send-load.ts';
import { startTracker, type TrackerSummary } from '../../packages/cli/src/load/track-user-events.ts';
import { createUserEventLoad } from '../../packages/cli/src/load/user-event-load.ts';
import { drainTopic, header } from '../../packages/stream/test/support/kafka-io.ts';
import * as aggregation from '../../services/aggregation/src/index.ts';
import * as auction from '../../services/auction/src/index.ts';
import * as delivery from '../../services/delivery/src/index.ts';
import * as ingest from '../../services/ingest/src/index.ts';
import * as profiling from '../../services/profiling/src/index.ts';
import * as tracking from '../../services/tracking/src/index.ts';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';

const SEED = 20261126;
const REQUESTS = 1_000;
const RATE = 30;
const secret = randomBytes(32).toString('hex');
/** The services' and the load's shared environment: 5-second windows, so a run shows every case. */
const windowsEnv = {
  AGGREGATION_WINDOW_MS: '5000',
  AGGREGATION_GRACE_MS: '20000',
  TRACKING_CLICK_WINDOW_MS: '60000',
  TRACKING_VIEW_WINDOW_MS: '10000',
  DELIVERY_TOKEN_TTL_MS: '60000',
};
const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const roasCodec = createCodec(RecordNames.RoasWindow);
const eventCodec = createCodec(RecordNames.AttributedEvent);
const impressionCodec = createCodec(RecordNames.Impression);
const NUMBERS = [
  'impressions',
  'clicks',
  'conversions',
  'clickThroughConversions',
  'viewThroughConversions',
  'spendMicros',
  'revenueMicros',
  'clickThroughRevenueMicros',
  'viewThroughRevenueMicros',
  'lateDropped',
] as const;
const row = (r: TruthWindow | RoasWindow) => [r.campaignId, r.windowStartMs, ...NUMBERS.map((k) => r[k])].join(' ');

type Label =
  | 'raw'
  | 'requests'
  | 'profiled'
  | 'outcomes'
  | 'impressions'
  | 'campaigns'
  | 'segments'
  | 'userEvents'
  | 'attributed'
  | 'roas'
  | 'spend'
  | 'alerts'
  | 'late'
  | 'dlqRaw'
  | 'dlq';

// It used to fail about one run in two, one window in ~575 each time: tracking's stage two took its
// co-partitioned inputs in fetch order while it lagged by seconds, so a CPC click could be handled
// before its impression (priced 0) and a conversion before the impression that was its view touch
// (unattributed). Stage two now parks such events until what they join with has come
// (services/tracking/src/join-wait.ts); this test is that defect's reproduction.
// With the auction reading the spend aggregation writes (budgets and pacing on) it then failed,
// mostly under load: conversions missing or attributed to another touch. Two causes: the runtime's
// idle policy let stream time run ahead of an input with records fetched (or in an open
// transaction) but not yet handled (packages/stream/test/behind-not-idle.test.ts); and the load's
// simulator drew conversions for users ingest keys anonymously (under GDPR without consent), which
// the truth attributed and tracking never can (user-event-load.test.ts). The conversions test
// below says which conversion went wrong and where it and its touch were written.
describe('adtrace load through the six services: the final ROAS windows equal the load’s truth', () => {
  let topics: TestTopics<Label>;
  const hops: Hop[] = [];
  const groups: string[] = [];
  let truth: SimTruth;
  let sent: TrackerSummary;
  let final: RoasWindow[];
  let deadLetterCodes: string[];
  /** Per conversion id: what tracking made of it, and when its records and its truth touch's were written. */
  let conversionsSeen: Map<string, string>;
  let timings: Map<string, string>;

  beforeAll(async () => {
    topics = await testTopics(
      [
        'raw',
        'requests',
        'profiled',
        'outcomes',
        'impressions',
        'campaigns',
        'segments',
        'userEvents',
        'attributed',
        'roas',
        'spend',
        'alerts',
        'late',
        'dlqRaw',
        'dlq',
      ],
      { partitions: 2, compacted: ['campaigns', 'segments', 'spend'] },
    );
    const t = topics.names;
    const kafka = testKafka('e2e-load-roas');
    const producer = kafka.producer();
    await producer.connect();
    const campaignCodec = createCodec(RecordNames.Campaign);
    const segmentsCodec = createCodec(RecordNames.UserSegments);
    const keyOf = createUserKeyer(secret);
    await producer.send({
      topic: t.campaigns,
      messages: campaigns.map((c) => ({ key: c.id, value: campaignCodec.encode(c) })),
    });
    await producer.send({
      topic: t.segments,
      messages: users.map((u) => {
        const userKey = keyOf({ userId: u.userId }, '').key;
        return { key: userKey, value: segmentsCodec.encode({ ...u.segments, userKey }) };
      }),
    });
    await producer.disconnect();

    const env = { KAFKA_BROKERS: testBrokers().join(','), ...windowsEnv };
    const group = (name: string) => {
      const g = uniqueGroupId(name);
      groups.push(g);
      return g;
    };
    const dead = <S extends { stream: { deadLetterTopic?: string } }>(c: S, topic: string): S => ({
      ...c,
      stream: { ...c.stream, deadLetterTopic: topic },
    });
    hops.push(
      ingest.createIngest(dead(ingest.toConfig(ingest.readEnv({ ...env, INGEST_USER_KEY_SECRET: secret })), t.dlqRaw), {
        name: group('ingest'),
        topics: { raw: t.raw, requests: t.requests },
      }),
      profiling.createProfiling(dead(profiling.toConfig(profiling.readEnv(env)), t.dlq), {
        name: group('profiling'),
        topics: { requests: t.requests, profiled: t.profiled, segments: t.segments },
      }),
      auction.createAuction(dead(auction.toConfig(auction.readEnv(env)), t.dlq), {
        name: group('auction'),
        // Budgets and pacing on: the spend aggregation writes, as in production.
        topics: {
          requests: t.profiled,
          impressions: t.impressions,
          outcomes: t.outcomes,
          campaigns: t.campaigns,
          spend: t.spend,
        },
      }),
    );
    const keys = `e2e=${randomBytes(32).toString('hex')}`;
    hops.push(
      delivery.createDelivery(dead(delivery.toConfig(delivery.readEnv({ ...env, DELIVERY_TOKEN_KEYS: keys })), t.dlq), {
        name: group('delivery'),
        topics: { outcomes: t.outcomes, impressions: t.impressions, campaigns: t.campaigns },
      }),
    );
    const trackingEnv = tracking.readEnv({
      ...env,
      TRACKING_TOKEN_KEYS: keys,
      TRACKING_USER_KEY_SECRET: secret,
      // As aggregation's: on 20 s of grace, the last conversions may wait for the impressions to
      // go quiet (they stop with the load) no longer than a few seconds.
      TRACKING_IDLE_MS: '3000',
    });
    const trackingConfig = tracking.toConfig({
      ...trackingEnv,
      stream: { ...trackingEnv.stream, deadLetterTopic: t.dlq },
      rekeyStream: { ...trackingEnv.rekeyStream, deadLetterTopic: t.dlqRaw },
    });
    const trackingGroup = group('tracking');
    groups.push(`${trackingGroup}-rekey`);
    hops.push(
      tracking.createTracking(trackingConfig, {
        name: trackingGroup,
        topics: {
          raw: t.userEvents,
          rekeyed: `${t.userEvents}.rekeyed`,
          impressions: t.impressions,
          attributed: t.attributed,
        },
      }),
      aggregation.createAggregation(
        // Its own dead letters too: adtrace.dead-letters need not exist on a fresh broker.
        dead(aggregation.toConfig(aggregation.readEnv({ ...env, AGGREGATION_IDLE_MS: '3000' })), t.dlq),
        {
          name: group('aggregation'),
          topics: {
            events: t.attributed,
            roas: t.roas,
            spend: t.spend,
            alerts: t.alerts,
            late: t.late,
            campaigns: t.campaigns,
          },
        },
      ),
    );
    // One after the other: six hops creating their changelogs at once on a shared broker is a
    // start-up storm the test does not need.
    for (const h of hops) await h.start();

    // The load, as `adtrace load --seed S --tail 10 --tmax 30000` with the services' environment runs it.
    const load = createUserEventLoad({
      campaigns,
      users,
      model: demoUserEventModel(campaigns, { seed: SEED, windows: pipelineWindows(windowsEnv) }),
    });
    const tracker = await startTracker(kafka, load, {
      impressionsTopic: t.impressions,
      userEventsTopic: t.userEvents,
    });
    await sendLoad(kafka, users, {
      events: REQUESTS,
      rate: RATE,
      seed: SEED,
      topic: t.raw,
      // Six services in one process on a shared machine take longer than an exchange's 120–300 ms.
      tmaxMs: 30_000,
      beforeSend: (r) => load.request(r),
    });
    // Until no impression came for 20 s: on a shared machine the pipeline lags by seconds, and an
    // impression the load never saw is one the truth lacks.
    sent = await tracker.finish({ tailMs: 10_000, idleMs: 20_000 });
    truth = load.truth();
    deadLetterCodes = (await drainTopic(kafka, t.dlqRaw)).map((m) => header(m.headers, DeadLetterHeaders.code) ?? '');

    // Every window final (aggregation's idle clock closes the last ones), then its latest revision;
    // after two minutes, whatever is there (the assertions then show what is missing).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const records = (await drainTopic(kafka, t.roas)).map((m) => roasCodec.decode(m.value!));
      final = currentRows(records.reduce(applyRoasRecord, EMPTY_ROAS_TABLE));
      const finals = new Set(final.filter((r) => r.final).map((r) => `${r.campaignId}|${r.windowStartMs}`));
      if (truth.windows.every((w) => finals.has(`${w.campaignId}|${w.windowStartMs}`))) break;
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }, 400_000);

  /** Attributed conversions and, for a diagnosis, where each event and touch was written (offset, timestamp). */
  async function readConversions(): Promise<void> {
    const t = topics.names;
    const kafka = testKafka('e2e-load-roas-read');
    const attributed = (await drainTopic(kafka, t.attributed)).map((m) => eventCodec.decode(m.value!));
    conversionsSeen = new Map(
      attributed
        .filter((e) => e.kind === 'CONVERSION')
        .map((e) => [e.eventId, `${e.campaignId} ${e.touch} ${e.touchEventId}`]),
    );
    timings = new Map();
    const at = (m: { offset: string; timestamp: string }, p?: number) => `${p ?? '?'}@${m.offset} t=${m.timestamp}`;
    for (const m of await drainTopic(kafka, `${t.userEvents}.rekeyed`)) {
      const e = eventCodec.decode(m.value!);
      timings.set(`rekeyed ${e.eventId}`, at(m));
    }
    for (const m of await drainTopic(kafka, t.impressions)) {
      const imp = impressionCodec.decode(m.value!);
      timings.set(`impression ${imp.impressionId}`, at(m));
    }
  }

  afterAll(async () => {
    for (const h of hops.reverse()) await h.stop().catch(() => {});
    // ADTRACE_LOAD_KEEP=1 keeps the run's topics to look into (their names are printed).
    if (process.env.ADTRACE_LOAD_KEEP === '1')
      console.info('load-roas topics:', JSON.stringify({ ...topics?.names, groups }));
    else if (topics) {
      const all = await topics.admin.listTopics().catch(() => [] as string[]);
      const internal = all.filter((name) => groups.some((g) => name.startsWith(`${g}.`)));
      await topics.admin.deleteTopics({ topics: [...internal, `${topics.names.userEvents}.rekeyed`] }).catch(() => {});
      await topics.cleanup();
    }
  }, 60_000);

  it('the load served, clicked, converted and faulted', () => {
    const count = (k: (typeof NUMBERS)[number]) => truth.windows.reduce((n, w) => n + w[k], 0);
    // About 0.8 impressions a request, 1.5 % of them clicked, about 5 conversions in a run.
    expect(count('impressions')).toBeGreaterThan(REQUESTS / 3);
    expect(count('clicks')).toBeGreaterThan(3);
    expect(count('conversions')).toBeGreaterThan(0);
    expect(sent.clicks + sent.conversions).toBeGreaterThan(count('clicks'));
  });

  it('forged and expired clicks are tracking’s dead letters with their reason, one each', () => {
    expect(deadLetterCodes.filter((c) => c === 'FORGED_TOKEN').length).toBe(sent.forged);
    expect(deadLetterCodes.filter((c) => c === 'EXPIRED_TOKEN').length).toBe(sent.expired);
    expect(deadLetterCodes.length).toBe(sent.forged + sent.expired);
  });

  it('every conversion is attributed to the truth’s touch', async () => {
    await readConversions();
    const wrong = truth.conversions
      .map((c) => ({ c, want: c.touch === 'NONE' ? undefined : `${c.campaignId} ${c.touch} ${c.touchEventId}` }))
      .filter(({ c, want }) => conversionsSeen.get(c.conversionId) !== want)
      .map(({ c, want }) => {
        const touch = c.touchEventId ?? '';
        const touchAt = timings.get(`rekeyed ${touch}`) ?? timings.get(`impression ${touch}`);
        return `${c.conversionId}: want ${want}, got ${conversionsSeen.get(c.conversionId)}; conversion ${timings.get(`rekeyed ${c.conversionId}`)}, touch ${touchAt}`;
      });
    expect(wrong).toEqual([]);
  });

  it('every campaign window equals the truth: impressions, clicks, conversions, spend, revenue, late-dropped', () => {
    const rows = final.filter((r) => r.impressions + r.clicks + r.conversions + r.lateDropped > 0);
    expect(rows.map(row)).toEqual(truth.windows.map(row));
    expect(rows.every((r) => r.final)).toBe(true);
  });
});
