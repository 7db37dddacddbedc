// Late data, step by step on the real broker (each step committed before the next is sent, so
// each is its own chunk): a window is emitted when it closes (revision 0), restated when an
// event arrives late within grace (revision 1, counted), emitted final when stream time passes
// end + grace (revision 2), and an event later still lands on the late topic as it came and
// restates the final window's lateDropped (revision 3) without changing its totals.
import { randomUUID } from 'node:crypto';
import { type AttributedEvent, createCodec, RecordNames, type RoasWindow } from '@adtrace/schemas';
import { exampleAttributedEvent } from '@adtrace/schemas/testing';
import { changelogTopic, type Hop, LateHeaders } from '@adtrace/stream';
import type { KafkaMessage, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createAggregation, readEnv, toConfig } from '../src/index.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const campaignId = `cmp-late-${randomUUID().slice(0, 8)}`;
const codecs = { event: createCodec(RecordNames.AttributedEvent), roas: createCodec(RecordNames.RoasWindow) };
const impression = (n: number, eventTimeMs: number): AttributedEvent => ({
  ...exampleAttributedEvent,
  kind: 'IMPRESSION',
  eventId: `imp-${campaignId}-${n}`,
  impressionId: `imp-${campaignId}-${n}`,
  campaignId,
  touch: 'NONE',
  costMicros: 1_000,
  valueMicros: 0,
  pctr: 0.05,
  eventTimeMs,
});

const kafka = testKafka();
let topics: Awaited<
  ReturnType<typeof testTopics<'events' | 'roas' | 'spend' | 'alerts' | 'late' | 'campaigns' | 'dlq'>>
>;
let hop: Hop;
let group: string;
let producer: Producer;
let roas: RoasWindow[];
let late: KafkaMessage[];
let sent = 0;

async function step(...events: AttributedEvent[]) {
  await producer.send({
    topic: topics.names.events,
    messages: events.map((e) => ({ key: campaignId, value: codecs.event.encode(e), timestamp: String(e.eventTimeMs) })),
  });
  sent += events.length;
  const n = sent;
  await waitFor(
    `${n} committed`,
    async () => ((await committedCount(kafka, group, topics.names.events)) >= n ? true : undefined),
    60_000,
  );
}

beforeAll(async () => {
  topics = await testTopics(['events', 'roas', 'spend', 'alerts', 'late', 'campaigns', 'dlq'], {
    partitions: 1,
    compacted: ['spend', 'campaigns'],
  });
  group = uniqueGroupId('aggregation-late');
  producer = kafka.producer();
  await producer.connect();
  const config = toConfig(
    readEnv({
      KAFKA_BROKERS: testBrokers().join(','),
      AGGREGATION_DEAD_LETTER_TOPIC: topics.names.dlq, // its own: never the default adtrace.* topics
      AGGREGATION_IDLE_MS: '3600000',
    }),
  );
  hop = createAggregation(config, { name: group, topics: topics.names });
  await hop.start();
  await step(impression(1, T0 + 1_000)); // window [T0, T0 + 1 min)
  await step(impression(2, T0 + 120_000)); // closes it: revision 0
  await step(impression(3, T0 + 30_000)); // late, within grace (until T0 + 6 min): revision 1
  await step(impression(4, T0 + 400_000)); // past end + grace: final, revision 2
  await step(impression(5, T0 + 20_000)); // beyond grace: late topic, lateDropped, revision 3
  await hop.stop();
  roas = (await drainTopic(kafka, topics.names.roas)).map((m) => codecs.roas.decode(m.value!));
  late = await drainTopic(kafka, topics.names.late);
}, 180_000);

afterAll(async () => {
  await hop?.stop();
  await producer?.disconnect();
  const stores = ['emitted', 'spend', 'budgetAlerts', 'calibration', 'dedupe', 'window-roas'];
  await topics?.admin.deleteTopics({ topics: stores.map((s) => changelogTopic(group, s)) }).catch(() => {});
  await topics?.cleanup();
});

describe('late data', () => {
  it('closes, restates within grace, finalizes, then counts a later event in lateDropped', () => {
    const first = roas.filter((r) => r.windowStartMs === T0);
    expect(first.map((r) => [r.revision, r.final, r.impressions, r.spendMicros, r.lateDropped])).toEqual([
      [0, false, 1, 1_000, 0],
      [1, false, 2, 2_000, 0],
      [2, true, 2, 2_000, 0],
      [3, true, 2, 2_000, 1],
    ]);
    expect(first[0]!.completeThroughMs).toBe(T0 + 120_000 - 300_000);
  });

  it('sends the event beyond grace to the late topic as it came, and only that one', () => {
    expect(late).toHaveLength(1);
    expect(codecs.event.decode(late[0]!.value!).eventId).toBe(impression(5, 0).eventId);
    expect(late[0]!.key?.toString()).toBe(campaignId);
    expect(header(late[0]!.headers, LateHeaders.originalTopic)).toBe(topics.names.events);
  });
});
