// The ad-serving path as users run it: ingest, profiling, auction and delivery, each its own
// process (services/<name>/src/main.ts, telemetry preloaded) on topics and consumer groups of
// this test, secrets from the environment, exporting spans to the warehouse service in
// PostgreSQL. A small catalog and one user's segments are published first; then OpenRTB JSON
// requests with several imps go in — one from an upstream process that traces its send, one keyed
// by the raw user id against the raw topic's contract — and invalid ones. Each valid request
// becomes, per imp, a win (an impression) or a no-fill with a reason; each event is one trace
// chaining all four services; invalid requests are dead letters with reasons; and no raw user
// id, device id or IP reaches a span row, a service's log or a record a service wrote.
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createUserKeyer, deriveEventId } from '@adtrace/ads';
import { type AuctionOutcome, type Campaign, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { exampleCampaign, exampleUserSegments } from '@adtrace/schemas/testing';
import { DeadLetterHeaders } from '@adtrace/stream';
import { dropPostgresSchema } from '@adtrace/warehouse/testing';
import type { KafkaMessage } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainTopic, header } from '../../packages/stream/test/support/kafka-io.ts';
import { type TestTopics, testKafka, testTopics, uniqueGroupId } from '../support/kafka.ts';
import { eventually, exited, freePort, type Service, startService, stopAll } from './support/processes.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = randomUUID().slice(0, 8);
const userKeySecret = randomBytes(32).toString('hex');
const codecs = {
  campaign: createCodec(RecordNames.Campaign),
  segments: createCodec(RecordNames.UserSegments),
  outcome: createCodec(RecordNames.AuctionOutcome),
  impression: createCodec(RecordNames.Impression),
};

/** CPM banner campaigns: one for anyone, one (the higher bid) for the segment published below. */
const campaign = (id: string, bidMicros: number, segments: string[]): Campaign => ({
  ...exampleCampaign,
  id,
  advertiserId: `adv-${id}`,
  targeting: { ...exampleCampaign.targeting, countries: [], deviceTypes: [], ageBrackets: [], segments },
  frequencyCaps: [],
  ads: exampleCampaign.ads.map((a) => ({ ...a, id: `ad-${id}`, bidType: 'CPM' as const, bidMicros })),
});
const catalog = [campaign('cmp-e2e-open', 5_000_000, []), campaign('cmp-e2e-segment', 9_000_000, ['seg-e2e'])];

/** Identifiers unique to this run, so a scan can only find them where this test's services put them. */
const idsOf = (label: string, i: number) => ({
  userId: `raw-user-${label}-${run}`,
  ifa: `${run}-${label}-4ba4-ae5b-76104861e7dc`,
  ip: `198.51.100.${10 + i}`,
  ipv6: `2001:db8:${i + 1}:7a00:1234:5678:9abc:def${i}`,
});
type Ids = ReturnType<typeof idsOf>;
const banner = (id: string, bidfloor = 0.5) => ({ id, banner: { w: 300, h: 250 }, bidfloor });
function request(label: string, i: number, over: Record<string, unknown>, user: 'id' | 'ifa' = 'id') {
  const ids = idsOf(label, i);
  const body = {
    id: `req-${label}-${run}`,
    imp: [banner('1')],
    site: { domain: 'news.example.com', page: 'https://news.example.com/a' },
    device: {
      ip: ids.ip,
      ipv6: ids.ipv6,
      ifa: ids.ifa,
      devicetype: 4,
      geo: { lat: 51.5072, lon: -0.1276, country: 'GBR' },
    },
    ...(user === 'id' ? { user: { id: ids.userId, buyeruid: `dsp-${ids.userId}`, yob: 1990 } } : {}),
    ...over,
  };
  return { label, ids, body, eventId: deriveEventId('upstream', body.id) };
}

const valid = {
  // From the upstream process (its own traced send): a winnable banner, a video no ad can fill,
  // and a banner whose floor is above every bid.
  traced: request('traced', 1, {
    imp: [banner('1'), { id: '2', video: { mimes: ['video/mp4'], w: 640, h: 360 } }, banner('3', 100)],
  }),
  // Keyed by the raw user id: a banner and a leaderboard no creative fits.
  userKeyed: request('userkeyed', 2, { imp: [banner('1'), { id: '2', banner: { w: 728, h: 90 } }] }),
  // Only a device id.
  device: request('device', 3, {}, 'ifa'),
  // GDPR without a consent string: a contextual auction.
  contextual: request('contextual', 4, { regs: { gdpr: 1 } }),
};
const invalid = {
  auctionType: { ...request('badat', 5, { at: 3 }), reason: /at \[range\]/ },
  duplicateImps: { ...request('dupimp', 6, { imp: [banner('1'), banner('1')] }), reason: /imp.*\[unique\]/ },
  noFormat: { ...request('noformat', 7, { imp: [{ id: '1' }] }), reason: /imp\[0\]/ },
};
const imps = Object.values(valid).reduce((n, r) => n + r.body.imp.length, 0);

interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: string;
  attributes: Record<string, unknown>;
}

describe('the ad-serving path through the four services as processes', () => {
  const schema = `test_serving_${randomBytes(4).toString('hex')}`;
  let topics: TestTopics<
    'raw' | 'requests' | 'profiled' | 'outcomes' | 'impressions' | 'campaigns' | 'spend' | 'segments' | 'rawDlq' | 'dlq'
  >;
  let api: string;
  const services: Record<string, Service> = {};
  let outcomes: AuctionOutcome[];
  let impressions: Impression[];
  let written: KafkaMessage[];
  let deadLetters: KafkaMessage[];
  let exitCodes: (number | null)[];

  beforeAll(async () => {
    topics = await testTopics(
      ['raw', 'requests', 'profiled', 'outcomes', 'impressions', 'campaigns', 'spend', 'segments', 'rawDlq', 'dlq'],
      { partitions: 2, compacted: ['campaigns', 'spend', 'segments'] },
    );
    const t = topics.names;
    const kafka = testKafka('e2e-serving');
    const producer = kafka.producer();
    await producer.connect();
    const userKey = createUserKeyer(userKeySecret)({ userId: valid.traced.ids.userId }, valid.traced.eventId).key;
    await producer.send({
      topic: t.campaigns,
      messages: catalog.map((c) => ({ key: c.id, value: codecs.campaign.encode(c) })),
    });
    await producer.send({
      topic: t.segments,
      messages: [
        { key: userKey, value: codecs.segments.encode({ ...exampleUserSegments, userKey, segments: ['seg-e2e'] }) },
      ],
    });

    const [otlpPort, apiPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}` };
    startService('warehouse', {
      ...otlp,
      WAREHOUSE_URL: PG_URL,
      WAREHOUSE_PG_SCHEMA: schema,
      WAREHOUSE_OTLP_PORT: String(otlpPort),
      WAREHOUSE_API_PORT: String(apiPort),
      WAREHOUSE_LOADER: 'off',
    });
    await eventually('the warehouse service', async () => ((await fetch(`${api}/api/health`)).ok ? true : undefined));
    const env: Record<string, Record<string, string>> = {
      ingest: {
        INGEST_USER_KEY_SECRET: userKeySecret,
        INGEST_RAW_TOPIC: t.raw,
        INGEST_REQUESTS_TOPIC: t.requests,
        INGEST_DEAD_LETTER_TOPIC: t.rawDlq,
      },
      profiling: {
        PROFILING_REQUESTS_TOPIC: t.requests,
        PROFILING_PROFILED_TOPIC: t.profiled,
        PROFILING_SEGMENTS_TOPIC: t.segments,
        PROFILING_DEAD_LETTER_TOPIC: t.dlq,
      },
      auction: {
        AUCTION_REQUESTS_TOPIC: t.profiled,
        AUCTION_IMPRESSIONS_TOPIC: t.impressions,
        AUCTION_OUTCOMES_TOPIC: t.outcomes,
        AUCTION_CAMPAIGNS_TOPIC: t.campaigns,
        AUCTION_SPEND_TOPIC: t.spend,
        AUCTION_DEAD_LETTER_TOPIC: t.dlq,
      },
      delivery: {
        DELIVERY_TOKEN_KEYS: `e2e=${randomBytes(32).toString('hex')}`,
        DELIVERY_OUTCOMES_TOPIC: t.outcomes,
        DELIVERY_IMPRESSIONS_TOPIC: t.impressions,
        DELIVERY_CAMPAIGNS_TOPIC: t.campaigns,
        DELIVERY_DEAD_LETTER_TOPIC: t.dlq,
      },
    };
    await Promise.all(
      Object.entries(env).map(async ([name, own]) => {
        const prefix = name.toUpperCase();
        const health = await freePort();
        services[name] = startService(name, {
          ...otlp,
          ...own,
          [`${prefix}_GROUP`]: uniqueGroupId(name),
          [`${prefix}_HEALTH_PORT`]: String(health),
        });
        await eventually(`${name} ready`, async () =>
          (await fetch(`http://127.0.0.1:${health}/readyz`)).ok ? true : undefined,
        );
      }),
    );

    // The traced request from upstream's own process; the rest from here, untraced.
    const upstream = startService('upstream', otlp, [
      join(import.meta.dirname, 'fixtures/openrtb-upstream.ts'),
      t.raw,
      JSON.stringify(valid.traced.body),
    ]);
    expect(await exited(upstream.child), upstream.output()).toBe(0);
    await producer.send({
      topic: t.raw,
      messages: [valid.userKeyed, valid.device, valid.contextual, ...Object.values(invalid)].map((r) => ({
        key: r === valid.device || r === valid.contextual ? r.body.id : r.ids.userId,
        value: JSON.stringify(r.body),
      })),
    });
    await producer.disconnect();

    await eventually(
      'every imp decided, every win served, every invalid request dead-lettered',
      async () => {
        [outcomes, impressions, deadLetters] = [
          (await drainTopic(kafka, t.outcomes)).map((m) => codecs.outcome.decode(m.value!)),
          (await drainTopic(kafka, t.impressions)).map((m) => codecs.impression.decode(m.value!)),
          await drainTopic(kafka, t.rawDlq),
        ];
        const wins = outcomes.filter((o) => o.outcome === 'WIN').length;
        return outcomes.length >= imps && impressions.length >= wins && deadLetters.length >= 3 ? true : undefined;
      },
      60_000,
    );
    // SIGTERM: each drains, flushes its spans to the warehouse and exits.
    const four = ['ingest', 'profiling', 'auction', 'delivery'].map((n) => services[n]!);
    for (const s of four) s.child.kill('SIGTERM');
    exitCodes = await Promise.all(four.map((s) => exited(s.child)));
    written = (
      await Promise.all([t.requests, t.profiled, t.outcomes, t.impressions, t.dlq].map((x) => drainTopic(kafka, x)))
    ).flat();
  }, 90_000);

  afterAll(async () => {
    await stopAll();
    await topics?.cleanup();
    await dropPostgresSchema(PG_URL, schema);
  });

  async function trace(eventId: string, spans: (s: SpanView[]) => boolean): Promise<SpanView[]> {
    return eventually(`the whole trace of ${eventId}`, async () => {
      const res = await fetch(`${api}/api/traces/${eventId}`);
      if (!res.ok) return undefined;
      const body = (await res.json()) as { spans: SpanView[] };
      return spans(body.spans) ? body.spans : undefined;
    });
  }

  it('stops every service cleanly', () => {
    expect(
      exitCodes,
      Object.values(services)
        .map((s) => s.output())
        .join('\n'),
    ).toEqual([0, 0, 0, 0]);
  });

  it('decides every imp of every valid request once: a win that became an impression, or a no-fill with a reason', () => {
    for (const r of Object.values(valid)) {
      const own = outcomes.filter((o) => o.eventId === r.eventId);
      expect(own.map((o) => o.impId).sort(), r.label).toEqual(r.body.imp.map((i) => i.id).sort());
      for (const o of own) {
        if (o.outcome === 'WIN') {
          const served = impressions.filter((i) => i.impressionId === `${r.eventId}.${o.impId}`);
          expect(served, `${r.label} imp ${o.impId}`).toHaveLength(1);
          expect(served[0]!.campaignId).toBe(o.win!.campaignId);
        } else {
          expect(o.noFill?.reason, `${r.label} imp ${o.impId}`).toMatch(/^[A-Z_]+$/);
        }
      }
    }
    const outcome = (r: { eventId: string }, imp: string) =>
      outcomes.find((o) => o.eventId === r.eventId && o.impId === imp)!;
    // The segment's campaign outbids the open one for the user it was published for, only.
    expect(outcome(valid.traced, '1').win?.campaignId).toBe('cmp-e2e-segment');
    expect(outcome(valid.device, '1').win?.campaignId).toBe('cmp-e2e-open');
    expect(outcome(valid.contextual, '1').outcome).toBe('WIN');
    expect(outcome(valid.traced, '2').noFill?.reason).toBeDefined();
    expect(outcome(valid.traced, '3').noFill?.reason).toBe('BELOW_FLOOR');
    expect(outcome(valid.userKeyed, '2').outcome).toBe('NO_FILL');
    expect(impressions).toHaveLength(outcomes.filter((o) => o.outcome === 'WIN').length);
  });

  it('dead-letters each invalid request to the raw dead-letter topic with a reason naming the rule', () => {
    expect(deadLetters).toHaveLength(Object.keys(invalid).length);
    for (const r of Object.values(invalid)) {
      const dl = deadLetters.find((m) => m.value?.toString() === JSON.stringify(r.body));
      expect(dl, r.label).toBeDefined();
      expect(header(dl!.headers, DeadLetterHeaders.reason), r.label).toMatch(r.reason);
      // The raw dead letters alone keep the original bytes (ingest's README): the ids the scan
      // below looks for are really in what was sent.
      expect(dl!.key?.toString(), r.label).toBe(r.ids.userId);
      expect(dl!.value?.toString(), r.label).toContain(r.ids.ip);
    }
  });

  it('chains all four services in one trace per event, parent to child, continuing upstream’s trace', async () => {
    for (const r of Object.values(valid)) {
      const wins = outcomes.filter((o) => o.eventId === r.eventId && o.outcome === 'WIN').length;
      const spans = await trace(r.eventId, (s) => {
        const of = (service: string, name: string) => s.filter((x) => x.service === service && x.name === name);
        return (
          of('delivery', `process ${topics.names.outcomes}`).length >= r.body.imp.length &&
          of('delivery', 'ads.prepare_creative').length >= wins &&
          (r !== valid.traced || of('upstream', `send ${topics.names.raw}`).length === 1)
        );
      });
      expect(new Set(spans.map((s) => s.traceId)).size, r.label).toBe(1);
      const roots = spans.filter((s) => s.parentSpanId === null);
      expect(
        roots.map((s) => `${s.service} ${s.name}`),
        r.label,
      ).toEqual([r === valid.traced ? `upstream send ${topics.names.raw}` : `ingest process ${topics.names.raw}`]);
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const chainTo = (leaf: SpanView): string[] => {
        const chain: string[] = [];
        for (let s: SpanView | undefined = leaf; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) {
          chain.unshift(`${s.service} ${s.name}`);
        }
        return chain;
      };
      const t = topics.names;
      const head = [
        ...(r === valid.traced ? [`upstream send ${t.raw}`] : []),
        `ingest process ${t.raw}`,
        'ingest ads.serve',
        // One span per message per hop: each output carries the context it was emitted in.
        `profiling process ${t.requests}`,
        'profiling ads.build_user_profile',
        `auction process ${t.profiled}`,
      ];
      // Every imp's outcome reaches delivery by its own chain; a win's goes on to the impression.
      const deliveries = spans.filter((s) => s.service === 'delivery' && s.name === `process ${t.outcomes}`);
      expect(deliveries, r.label).toHaveLength(r.body.imp.length);
      for (const d of deliveries) {
        const chain = chainTo(d);
        expect(chain.slice(0, head.length), r.label).toEqual(head);
        expect(chain.slice(-2), r.label).toEqual(['auction ads.auction', `${d.service} ${d.name}`]);
      }
      // A win's impression is written inside ads.prepare_creative: its process span says so.
      const served = spans.filter((s) => s.service === 'delivery' && s.name === 'ads.prepare_creative');
      expect(served, r.label).toHaveLength(wins);
      for (const s of served) {
        expect(chainTo(s).slice(-2), r.label).toEqual([
          `delivery process ${t.outcomes}`,
          'delivery ads.prepare_creative',
        ]);
        expect(byId.get(s.parentSpanId!)!.attributes['adtrace.kafka.produced_topics'], r.label).toBe(t.impressions);
      }
      expect(
        spans.filter((s) => s.kind === 'producer' && s.service !== 'upstream'),
        r.label,
      ).toEqual([]);
      for (const s of spans.filter((x) => x.service !== 'upstream' && x.kind !== 'producer')) {
        if (s.name.startsWith('process') && s.service === 'ingest') continue; // before the event id exists
        expect(s.attributes['adtrace.event_id'], `${r.label}: ${s.service} ${s.name}`).toBe(r.eventId);
      }
    }
  });

  it('lets none of the raw user ids, device ids or IPs into a span row, a service log or a record written', async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const rows = await client.query(`SELECT * FROM ${schema}.spans`).finally(() => client.end());
    expect(rows.rows.length).toBeGreaterThan(imps * 8);
    const spanText = rows.rows.map((r) => JSON.stringify(r));
    const records = written.map((m) =>
      [m.key?.toString('latin1'), m.value?.toString('latin1'), ...Object.values(m.headers ?? {}).map(String)].join(
        '\n',
      ),
    );
    expect(records.length).toBeGreaterThanOrEqual(Object.keys(valid).length * 2 + imps);
    const logs = Object.entries(services).map(([name, s]) => [name, s.output()] as const);
    const all: Ids[] = [...Object.values(valid), ...Object.values(invalid)].map((r) => r.ids);
    for (const secret of all.flatMap((ids) => [ids.userId, ids.ifa, ids.ip, ids.ipv6])) {
      expect(
        spanText.filter((x) => x.includes(secret)),
        `${secret} in a span row`,
      ).toEqual([]);
      expect(
        records.filter((x) => x.includes(secret)),
        `${secret} in a record`,
      ).toEqual([]);
      for (const [name, log] of logs) expect(log.includes(secret), `${secret} in ${name}'s log`).toBe(false);
    }
  });
});
