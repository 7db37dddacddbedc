import { randomBytes } from 'node:crypto';
import {
  type Alert,
  type AttributedEvent,
  type AuctionOutcome,
  type Campaign,
  createCodec,
  type Impression,
} from '@adtrace/schemas';
import { LateHeaders } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import type { WarehouseService } from '../src/index.ts';
import { backends, eventually, getJson, startTestService } from './support.ts';

type Name = 'attributed' | 'roas' | 'dlq' | 'impressions' | 'outcomes' | 'alerts' | 'late' | 'campaigns';
const T = 1_795_305_984_000;

/**
 * The attribution topics, as the pipeline writes them (Avro, traceparent headers, LateHeaders,
 * a compacted topic with a tombstone), land in their tables on both warehouses.
 */
describe.each(backends)('the loader fills the attribution tables on $name', ({ make }) => {
  const backend = make();
  let topics: TestTopics<Name>;
  let service: WarehouseService | undefined;
  const traceId = randomBytes(16).toString('hex');
  const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
  const campaignId = `cmp-attr-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    topics = await testTopics(['attributed', 'roas', 'dlq', 'impressions', 'outcomes', 'alerts', 'late', 'campaigns'], {
      partitions: 1,
    });
    const impression: Impression = {
      eventId: 'evt-a1',
      impressionId: 'evt-a1.1',
      requestId: 'req-a1',
      impId: '1',
      userKey: 'uk-a1',
      campaignId,
      adId: 'ad-1',
      creativeId: 'cr-1',
      trackingToken: 'secret-token',
      bidType: 'CPC',
      priceMicros: 0,
      clickPriceMicros: 400_000,
      pctr: 0.03,
      eventTimeMs: T,
      modelVersion: 'ctr-v2',
      test: false,
      markup: '<img src="https://t.example/imp?t=secret-token">',
      impressionUrl: 'https://t.example/imp?t=secret-token',
      clickUrl: 'https://t.example/click?t=secret-token',
    };
    const outcome = (eventId: string, reason: 'BELOW_FLOOR' | 'NO_CANDIDATES' | null): AuctionOutcome => ({
      eventId,
      requestId: `req-${eventId}`,
      impId: '1',
      userKey: 'uk-a1',
      outcome: reason ? 'NO_FILL' : 'WIN',
      win: reason
        ? null
        : {
            ...{ campaignId, adId: 'ad-1', creativeId: 'cr-1', bidType: 'CPC', bidMicros: 400_000, pctr: 0.03 },
            ...{ ecpmMicros: 12_000, clearingPriceCpmMicros: 9_000, floorCpmMicros: 1_000, runnerUp: null },
            candidates: 3,
          },
      noFill: reason ? { reason, code: reason === 'BELOW_FLOOR' ? 301 : null, detail: 'why' } : null,
      modelVersion: 'ctr-v2',
      decidedAtMs: T,
      placement: 'news.example',
      test: false,
    });
    const alert: Alert = {
      alertId: `alert-${campaignId}`,
      kind: 'BUDGET_EXHAUSTED',
      severity: 'CRITICAL',
      source: 'aggregation',
      campaignId,
      segmentId: null,
      value: 1.01,
      threshold: 1,
      message: 'budget spent',
      attributes: { day: '2026-11-26' },
      eventTimeMs: T,
    };
    const lateConversion: AttributedEvent = {
      eventId: 'conv-late-1',
      kind: 'CONVERSION',
      originalEventId: 'evt-a1',
      campaignId,
      adId: 'ad-1',
      userKey: 'uk-a1',
      touch: 'CLICK',
      costMicros: 0,
      valueMicros: 7_000_000,
      pctr: 0,
      eventTimeMs: T - 3_600_000,
      attributedAtMs: T,
      impressionId: 'evt-a1.1',
      touchEventId: 'evt-a1.1:click',
      touchTimeMs: T - 3_700_000,
      originalCurrency: 'USD',
      originalValueMicros: 7_000_000,
      modelVersion: null,
    };
    const campaign = (name: string, updatedAtMs: number): Campaign => ({
      id: campaignId,
      name,
      advertiserId: 'adv-1',
      active: true,
      startMs: null,
      endMs: null,
      targeting: {
        ...{ countries: [], geoRegions: [], deviceTypes: [], os: [], segments: [], excludedSegments: [] },
        ...{ ageBrackets: [], domains: [] },
      },
      frequencyCaps: [],
      budget: { totalMicros: 50_000_000, dailyMicros: 5_000_000, currency: 'USD' },
      ads: [],
      updatedAtMs,
    });
    const headers = { traceparent };
    const producer = testKafka('loader-attribution').producer();
    await producer.connect();
    const send = (topic: Name, messages: { key: string; value: Buffer | null; headers?: Record<string, string> }[]) =>
      producer.send({ topic: topics.names[topic], messages });
    await send('impressions', [{ key: 'uk-a1', value: createCodec('Impression').encode(impression), headers }]);
    await send('outcomes', [
      { key: 'uk-a1', value: createCodec('AuctionOutcome').encode(outcome('evt-a1', null)), headers },
      { key: 'uk-a1', value: createCodec('AuctionOutcome').encode(outcome('evt-a2', 'BELOW_FLOOR')) },
      { key: 'uk-a1', value: createCodec('AuctionOutcome').encode(outcome('evt-a3', 'BELOW_FLOOR')) },
      { key: 'uk-a1', value: createCodec('AuctionOutcome').encode(outcome('evt-a4', 'NO_CANDIDATES')) },
    ]);
    await send('alerts', [{ key: campaignId, value: createCodec('Alert').encode(alert), headers }]);
    await send('late', [
      {
        key: 'uk-a1',
        value: createCodec('AttributedEvent').encode(lateConversion),
        headers: {
          ...headers,
          [LateHeaders.originalTopic]: 'adtrace.attributed-events',
          [LateHeaders.originalPartition]: '2',
          [LateHeaders.originalOffset]: '41',
          [LateHeaders.streamTime]: String(T),
        },
      },
    ]);
    await send('campaigns', [
      { key: campaignId, value: createCodec('Campaign').encode(campaign('first', T)) },
      { key: campaignId, value: createCodec('Campaign').encode(campaign('renamed', T + 1)) },
    ]);
    await producer.disconnect();
    service = await startTestService(backend, {
      loader: {
        enabled: true,
        brokers: testBrokers(),
        groupId: uniqueGroupId('warehouse-attribution'),
        topics: {
          ...{ attributedEvents: topics.names.attributed, roas: topics.names.roas, deadLetters: topics.names.dlq },
          ...{ impressions: topics.names.impressions, auctionOutcomes: topics.names.outcomes },
          ...{ alerts: topics.names.alerts, lateEvents: topics.names.late, campaigns: topics.names.campaigns },
        },
      },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await topics?.cleanup();
    await backend.cleanup();
  });

  const rows = (sql: string) =>
    eventually(
      async () => {
        const r = await service!.warehouse.sql(sql, [campaignId]);
        return r.length > 0 ? r : undefined;
      },
      60_000,
      sql,
    );

  it('an impression, with its trace id as W3C hex and without its tracking token', async () => {
    const [row] = await rows('SELECT * FROM impressions WHERE campaign_id = $1');
    expect(row).toMatchObject({
      impression_id: 'evt-a1.1',
      user_key: 'uk-a1',
      bid_type: 'cpc',
      trace_id: traceId,
      model_version: 'ctr-v2',
    });
    expect(Number(row!.click_price_micros)).toBe(400_000);
    // The token (and the markup and URLs that carry it) would let anyone forge a click: never stored.
    expect(Object.values(row!).filter((v) => String(v).includes('secret-token'))).toEqual([]);
  });

  it('auction outcomes, and the no-fill rate by reason over the API', async () => {
    await eventually(
      async () => ((await service!.warehouse.sql('SELECT 1 FROM auction_outcomes')).length === 4 ? true : undefined),
      60_000,
      'four outcomes',
    );
    const { body } = await getJson(service!.apiPort, `/api/no-fill?sinceMs=${T}`);
    expect(body).toEqual({
      outcomes: 4,
      wins: 1,
      noFills: 3,
      noFillRate: 0.75,
      reasons: [
        { reason: 'BELOW_FLOOR', count: 2, rate: 0.5 },
        { reason: 'NO_CANDIDATES', count: 1, rate: 0.25 },
      ],
    });
  });

  it('an alert, a late event with where it came from, the latest campaign; a tombstone marks it deleted', async () => {
    const [alert] = await rows('SELECT kind, severity, trace_id FROM alerts WHERE campaign_id = $1');
    expect(alert).toEqual({ kind: 'BUDGET_EXHAUSTED', severity: 'CRITICAL', trace_id: traceId });
    const [late] = await rows(
      'SELECT event_id, kind, original_topic, original_partition, original_offset, trace_id FROM late_events WHERE campaign_id = $1',
    );
    expect({ ...late, original_offset: String(late!.original_offset) }).toEqual({
      event_id: 'conv-late-1',
      kind: 'conversion',
      original_topic: 'adtrace.attributed-events',
      original_partition: 2,
      original_offset: '41',
      trace_id: traceId,
    });
    const [campaign] = await rows('SELECT name, deleted FROM campaigns WHERE campaign_id = $1');
    expect(campaign).toEqual({ name: 'renamed', deleted: false });
    const producer = testKafka('loader-attribution-tombstone').producer();
    await producer.connect();
    await producer.send({ topic: topics.names.campaigns, messages: [{ key: campaignId, value: null }] });
    await producer.disconnect();
    await eventually(
      async () => {
        const [c] = await service!.warehouse.sql('SELECT deleted FROM campaigns WHERE campaign_id = $1', [campaignId]);
        return c?.deleted === true ? true : undefined;
      },
      60_000,
      'the tombstone',
    );
  });
});
