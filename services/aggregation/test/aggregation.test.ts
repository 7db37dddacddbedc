// The aggregation in-process against the real broker, on topics of its own: a seeded stream
// with known ground truth (packages/ads simulate: late, duplicated, forged, out-of-window
// events, through the reference tracking) is produced in delivery order, each record's
// timestamp its event time; a sentinel event far ahead closes every window. The final windows
// (latest revision) must equal the truth exactly, per campaign and window.
import { aggregationDedupKey, applyRoasRecord, currentRows, EMPTY_ROAS_TABLE } from '@adtrace/ads';
import {
  type Alert,
  type Campaign,
  type CampaignSpend,
  createCodec,
  RecordNames,
  type RoasWindow,
} from '@adtrace/schemas';
import { exampleCampaign } from '@adtrace/schemas/testing';
import { changelogTopic, type Hop, LateHeaders } from '@adtrace/stream';
import type { KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { AggregateAttr, createAggregation, readEnv, toConfig } from '../src/index.ts';
import { isSentinel, pick, produce, scenario } from './scenario.ts';
import { registerTestTelemetry, type TestTelemetry } from './support.ts';

const PARTITIONS = 2;
const codecs = {
  event: createCodec(RecordNames.AttributedEvent),
  roas: createCodec(RecordNames.RoasWindow),
  spend: createCodec(RecordNames.CampaignSpend),
  alert: createCodec(RecordNames.Alert),
  campaign: createCodec(RecordNames.Campaign),
};
const budgeted: Campaign = {
  ...exampleCampaign,
  id: 'camp-a',
  budget: { totalMicros: 1_000_000, dailyMicros: null, currency: 'USD' },
};
const { truth, tracking, stream, sentinels } = scenario(11, PARTITIONS);

let telemetry: TestTelemetry;
let topics: Awaited<
  ReturnType<typeof testTopics<'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'dlq'>>
>;
let hop: Hop;
let group: string;
let producer: Producer;
let roas: RoasWindow[];
let late: KafkaMessage[];
let spend: CampaignSpend[];
let alerts: Alert[];
const kafka = testKafka();

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'dlq'], {
    partitions: PARTITIONS,
    compacted: ['spend', 'campaigns'],
  });
  group = uniqueGroupId('aggregation');
  producer = kafka.producer({ idempotent: true });
  await producer.connect();
  const env = readEnv({
    KAFKA_BROKERS: testBrokers().join(','),
    AGGREGATION_DEAD_LETTER_TOPIC: topics.names.dlq, // its own: never the default adtrace.* topics
    // The simulated clock is days behind the wall clock: no idle advance mid-test.
    AGGREGATION_IDLE_MS: '3600000',
    // Windows close at a chunk's end: late data within grace restates a window only if it comes
    // in a later chunk than the one that closed it. In chunks of 200 that happened 2 to 4 times,
    // so "more than 3 restatements" failed now and then; chunks of at most 50 (smaller under
    // load, never larger) restated 7–8 windows in every run.
    AGGREGATION_BATCH_SIZE: '50',
  });
  const config = toConfig(env);
  hop = createAggregation(config, { name: group, topics: topics.names });
  // camp-a (CPM, 2 500 micros an impression) on a 1 USD budget: pacing, then exhausted.
  await producer.send({
    topic: topics.names.campaigns,
    messages: [{ key: 'camp-a', value: codecs.campaign.encode(budgeted) }],
  });
  await hop.start();
  await produce(producer, topics.names.events, stream);
  await produce(producer, topics.names.events, sentinels, true);
  const total = stream.length + sentinels.length;
  await waitFor(
    `${total} events committed`,
    async () => ((await committedCount(kafka, group, topics.names.events)) >= total ? true : undefined),
    240_000,
  );
  await hop.stop();
  roas = (await drainTopic(kafka, topics.names.roas)).map((m) => codecs.roas.decode(m.value!));
  late = await drainTopic(kafka, topics.names.late);
  spend = (await drainTopic(kafka, topics.names.spend)).map((m) => codecs.spend.decode(m.value!));
  alerts = (await drainTopic(kafka, topics.names.alerts)).map((m) => codecs.alert.decode(m.value!));
}, 300_000);

afterAll(async () => {
  await hop?.stop();
  await producer?.disconnect();
  const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
  await topics?.admin.deleteTopics({ topics: stores.map((s) => changelogTopic(group, s)) }).catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

describe('aggregation', () => {
  it('ends with the truth: the latest revision of every window equals it, per campaign and window', () => {
    // The faults really happened.
    expect(truth.counts.lateWithinGrace).toBeGreaterThan(5);
    expect(truth.counts.lateBeyondGrace).toBeGreaterThan(2);
    expect(stream.length).toBeGreaterThan(tracking.attributed.length);
    const rows = currentRows(roas.reduce(applyRoasRecord, EMPTY_ROAS_TABLE)).filter((r) => !isSentinel(r.campaignId));
    expect(rows.map(pick)).toEqual(truth.windows.map(pick));
    expect(rows.every((r) => r.final && r.generation === 0 && r.currency === 'USD')).toBe(true);
  });

  it('emits a window when it closes (revision 0), restates it within grace, and counts later data on the late topic', () => {
    const byWindow = new Map<string, RoasWindow[]>();
    for (const r of roas)
      byWindow.set(`${r.campaignId}|${r.windowStartMs}`, [
        ...(byWindow.get(`${r.campaignId}|${r.windowStartMs}`) ?? []),
        r,
      ]);
    for (const records of byWindow.values()) expect(records.map((r) => r.revision)).toEqual(records.map((_, i) => i));
    // Restated before final: late data within grace changed a closed window.
    expect(roas.filter((r) => !r.final && r.revision > 0).length).toBeGreaterThan(3);
    // Every event past its grace is on the late topic, as it came, and counted in its window.
    const lateEvents = late.map((m) => codecs.event.decode(m.value!));
    const rows = currentRows(roas.reduce(applyRoasRecord, EMPTY_ROAS_TABLE));
    expect(lateEvents.length).toBe(rows.reduce((n, r) => n + r.lateDropped, 0));
    expect(lateEvents.length).toBeGreaterThan(0);
    for (const m of late) expect(header(m.headers, LateHeaders.originalTopic)).toBe(topics.names.events);
  });

  it('publishes campaign spend (total, today) counting every de-duplicated impression and click, late ones too', () => {
    const seen = new Set<string>();
    const expected = new Map<string, number>();
    for (const x of stream) {
      const key = aggregationDedupKey(x.event);
      if (seen.has(key)) continue;
      seen.add(key);
      expected.set(x.event.campaignId, (expected.get(x.event.campaignId) ?? 0) + x.event.costMicros);
    }
    const latest = new Map(spend.map((s) => [s.campaignId, s]));
    for (const [campaignId, micros] of expected) {
      expect(latest.get(campaignId)?.totalSpendMicros).toBe(micros);
    }
    const impressions = truth.windows.filter((w) => w.campaignId === 'camp-a').reduce((n, w) => n + w.impressions, 0);
    expect(latest.get('camp-a')?.impressions).toBe(impressions);
  });

  it('raises budget alerts from the campaigns table: pacing at 80 %, exhausted at 100 %, each once', () => {
    const budget = alerts.filter((a) => a.kind.startsWith('BUDGET'));
    expect(budget.map((a) => [a.kind, a.campaignId])).toEqual([
      ['BUDGET_PACING', 'camp-a'],
      ['BUDGET_EXHAUSTED', 'camp-a'],
    ]);
    expect(Number(budget[1]!.attributes.spentMicros)).toBeGreaterThanOrEqual(1_000_000);
    expect(Number(budget[1]!.attributes.spentMicros)).toBeLessThan(1_000_000 + 2_500);
  });

  it('traces: an ads.aggregate.apply span in each event’s trace, a flush span per window that is a root linked to its events', () => {
    const spans = telemetry.spans();
    const apply = spans.filter((s) => s.name === 'ads.aggregate.apply');
    const traces = new Set(stream.map((x) => x.traceId));
    // One per distinct event (duplicates never reach the handler).
    // (Counted by trace: a chunk the runtime retried after a failed transaction runs its
    // handlers again, and their spans are exported too.)
    expect(new Set(apply.filter((s) => traces.has(s.traceId)).map((s) => s.traceId)).size).toBe(
      tracking.attributed.length,
    );
    // In the event's trace: under its process span, itself under the span the producer sent.
    const first = stream[0]!;
    const process = spans.filter((s) => s.traceId === first.traceId && s.parentSpanId === first.spanId);
    expect(process.map((s) => s.name)).toContain(`process ${topics.names.events}`);
    const firstApply = apply.filter((s) => s.traceId === first.traceId);
    expect(firstApply.length).toBeGreaterThan(0);
    for (const s of firstApply) expect(process.map((p) => p.spanId)).toContain(s.parentSpanId);
    const applyIds = new Set(apply.map((s) => `${s.traceId}-${s.spanId}`));
    const flush = spans.filter((s) => s.name === 'ads.aggregate.flush');
    // Each flush span is the emission of one record (late restatements are emitted in the late event's apply span).
    const emitted = new Set(roas.map((r) => `${r.campaignId}|${r.windowStartMs}|${r.revision}`));
    const flushed = flush.map(
      (f) =>
        `${f.attributes[AggregateAttr.campaignId]}|${f.attributes[AggregateAttr.windowStart]}|${f.attributes[AggregateAttr.revision]}`,
    );
    for (const k of flushed) expect(emitted.has(k)).toBe(true);
    expect(flush.length).toBeGreaterThan(roas.length / 2);
    for (const f of flush) {
      expect(f.parentSpanId).toBeUndefined();
      expect(traces.has(f.traceId)).toBe(false);
      expect(f.links.length).toBeGreaterThan(0);
      for (const l of f.links) expect(applyIds.has(`${l.traceId}-${l.spanId}`)).toBe(true);
      expect(f.attributes['adtrace.links.total']).toBe(f.links.length);
    }
    const finals = flush.filter((f) => f.attributes[AggregateAttr.final] === true);
    expect(finals.length).toBeGreaterThan(0);
  });
});
