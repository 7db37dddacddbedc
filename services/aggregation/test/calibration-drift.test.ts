// Calibration drift through the aggregation service on the real broker: the demo's impressions
// priced by the shipped pCTR model, clicks drawn from the ground truth by the simulator
// `adtrace load` uses, the truth's CTR × 1.5 from minute 2 on (the model does not know). With
// one-minute calibration windows judged from 10 000 impressions, a CALIBRATION_DRIFT alert must
// come for the second drifted window (two in a row out of band), and none before the drift.
import { readFileSync } from 'node:fs';
import {
  buildAdIndex,
  DEMO_CATALOG_URL,
  DEMO_USERS_URL,
  type DemoUser,
  demoUserEventModel,
  loadPctrModel,
  parseNdjson,
  runTracking,
  SHIPPED_PCTR_MODEL_URL,
  servedDemoImpressions,
  simulateImpressions,
  simulateUserEvents,
  toAttributionConfig,
} from '@adtrace/ads';
import { type Alert, type Campaign, createCodec, RecordNames } from '@adtrace/schemas';
import { changelogTopic, type Hop } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createAggregation, readEnv, toConfig } from '../src/index.ts';

const START = Date.UTC(2026, 10, 26);
const MINUTE = 60_000;
const DRIFT_FROM = START + 2 * MINUTE;
const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const shipped = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));
const eventCodec = createCodec(RecordNames.AttributedEvent);
const alertCodec = createCodec(RecordNames.Alert);

function driftedStream() {
  // 15 000 impressions a minute (about 270 clicks) for five minutes.
  const impressions = [
    ...servedDemoImpressions(
      simulateImpressions(buildAdIndex(campaigns), users, { count: 75_000, seed: 32 }),
      shipped,
      {
        startMs: START,
        intervalMs: 4,
        modelVersion: 'pctr-demo-1',
      },
    ),
  ];
  const model = demoUserEventModel(campaigns, {
    seed: 32,
    windows: {
      windowMs: MINUTE,
      graceMs: 10_000,
      clickWindowMs: 20_000,
      viewWindowMs: 10_000,
      tokenTtlMs: 3_600_000,
      latenessMarginMs: 5_000,
    },
    drift: { fromMs: DRIFT_FROM, ctrFactor: 1.5 },
  });
  const { events } = simulateUserEvents(impressions, model);
  return runTracking(impressions, events, model, toAttributionConfig({ latenessMs: 600_000 })).attributed;
}

describe('a CTR drift in the ground truth, through the aggregation service', () => {
  let topics: Awaited<
    ReturnType<typeof testTopics<'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'dlq'>>
  >;
  let hop: Hop;
  let group: string;
  let alerts: Alert[];

  beforeAll(async () => {
    const stream = driftedStream();
    // One partition: calibration is judged per partition, and the whole is what drifted.
    topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'dlq'], {
      partitions: 1,
      compacted: ['spend', 'campaigns'],
    });
    group = uniqueGroupId('aggregation-drift');
    const config = toConfig(
      readEnv({
        KAFKA_BROKERS: testBrokers().join(','),
        AGGREGATION_DEAD_LETTER_TOPIC: topics.names.dlq, // its own: never the default adtrace.* topics
        AGGREGATION_WINDOW_MS: String(MINUTE),
        AGGREGATION_GRACE_MS: '10000',
        AGGREGATION_CALIBRATION_WINDOW_MS: String(MINUTE),
        AGGREGATION_CALIBRATION_MIN_IMPRESSIONS: '10000',
        // The simulated clock is behind the wall clock: no idle advance mid-test.
        AGGREGATION_IDLE_MS: '3600000',
        AGGREGATION_BATCH_SIZE: '1000',
      }),
    );
    hop = createAggregation(config, { name: group, topics: topics.names });
    await hop.start();
    const kafka = testKafka();
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    for (let i = 0; i < stream.length; i += 1_000) {
      await producer.send({
        topic: topics.names.events,
        messages: stream.slice(i, i + 1_000).map(({ event }) => ({
          key: event.campaignId,
          value: eventCodec.encode(event),
          timestamp: String(event.eventTimeMs),
        })),
      });
    }
    await producer.disconnect();
    await waitFor(
      `${stream.length} events committed`,
      async () => ((await committedCount(kafka, group, topics.names.events)) >= stream.length ? true : undefined),
      240_000,
    );
    await hop.stop();
    alerts = (await drainTopic(kafka, topics.names.alerts)).map((m) => alertCodec.decode(m.value!));
  }, 400_000);

  afterAll(async () => {
    await hop?.stop();
    const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
    await topics?.admin.deleteTopics({ topics: stores.map((s) => changelogTopic(group, s)) }).catch(() => {});
    await topics?.cleanup();
  });

  it('raises CALIBRATION_DRIFT for the second drifted window, under-predicting, and none before the drift', () => {
    const drift = alerts.filter((a) => a.kind === 'CALIBRATION_DRIFT');
    expect(drift.map((a) => Number(a.attributes.windowStartMs))).toEqual([DRIFT_FROM + MINUTE]);
    expect(drift[0]!.value).toBeLessThan(0.8);
    expect(drift[0]!.attributes.modelVersion).toBe('pctr-demo-1');
  });
});
