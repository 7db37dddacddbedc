// A bounded `adtrace load` whose broker goes away mid-run (restarted by ops, a long election)
// waits for it and carries on, as a production producer does: every request of the load reaches
// the topic, in the trace it was given, and the load does not burst to catch up. Before, the load
// ended with kafkajs's error and the rest of its requests were never sent.
//
// On a throwaway broker of its own (its own home and ports), which the test stops and starts
// again with its data: the shared test broker is never touched.
import { readFileSync } from 'node:fs';
import { DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startThrowawayBroker, type ThrowawayBroker } from '../../../test/support/broker.ts';
import { sendLoad } from '../src/load/send-load.ts';
import { startTracker } from '../src/load/track-user-events.ts';
import type { SentUserEvent, UserEventLoad } from '../src/load/user-event-load.ts';

let broker: ThrowawayBroker;
beforeAll(async () => {
  broker = await startThrowawayBroker();
}, 180_000);
afterAll(async () => {
  await broker?.release();
}, 60_000);

const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const EVENTS = 300;
const RATE = 30;
const OUTAGE_MS = 8_000;

test('a bounded load waits out a broker restart and sends every request once more, in its trace', async () => {
  const kafka = new Kafka({ clientId: 'load-away-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: 'raw', numPartitions: 3 }] });
  await admin.disconnect();

  const traceOf = new Map<string, string>();
  const sentAt: number[] = [];
  const waits: string[] = [];
  let resumedAfterMs = 0;
  const loading = sendLoad(kafka, users, {
    events: EVENTS,
    rate: RATE,
    seed: 11,
    topic: 'raw',
    maxBatch: 10,
    onSent: (t) => {
      traceOf.set(t.requestId, t.traceId);
      sentAt.push(performance.now());
    },
    onWait: (why) => waits.push(why),
    onResume: (ms) => {
      resumedAfterMs = ms;
    },
  });
  let failed: unknown;
  loading.catch((e) => {
    failed = e;
  });
  while (sentAt.length < 60 && failed === undefined) await new Promise((r) => setTimeout(r, 50));
  expect(failed).toBeUndefined();
  const stoppedAt = performance.now();
  await broker.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  await broker.start();
  const summary = await loading;

  expect(summary.sent).toBe(EVENTS);
  expect(waits.length).toBeGreaterThan(0);
  expect(summary.waitedMs).toBeGreaterThanOrEqual(OUTAGE_MS / 2);
  expect(resumedAfterMs).toBeGreaterThan(0);
  // The clock paused while it waited: after the broker came back the load kept its rate (at most
  // a couple of batches due at once), not every request due meanwhile in a burst.
  const afterResume = sentAt.filter((t) => t > stoppedAt + OUTAGE_MS);
  expect(afterResume.length).toBeGreaterThan(100);
  const firstSecond = afterResume.filter((t) => t < afterResume[0]! + 1_000).length;
  expect(firstSecond).toBeLessThan(3 * RATE);

  // Every request is on the topic (a batch in flight when the broker went may be there twice:
  // ingest de-duplicates it), each in the trace the load reported.
  const seen = new Map<string, Set<string>>();
  const consumer = kafka.consumer({ groupId: `load-away-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'raw', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.key!.toString();
      const traceparent = message.headers!.traceparent!.toString();
      const traceId = traceparent.split('-')[1]!;
      if (!seen.has(id)) seen.set(id, new Set());
      seen.get(id)!.add(traceId);
    },
  });
  const deadline = Date.now() + 60_000;
  while (seen.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  expect(seen.size).toBe(EVENTS);
  for (const [id, traces] of seen) expect([...traces]).toEqual([traceOf.get(id)]);
}, 180_000);

test('Ctrl-C while the load waits for its broker stops it at once, as stopped', async () => {
  const kafka = new Kafka({ clientId: 'load-away-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const abort = new AbortController();
  let sent = 0;
  let waiting = false;
  const loading = sendLoad(kafka, users, {
    events: EVENTS,
    rate: RATE,
    seed: 12,
    topic: 'raw',
    maxBatch: 10,
    signal: abort.signal,
    onSent: () => {
      sent++;
    },
    onWait: () => {
      waiting = true;
    },
  });
  while (sent < 30) await new Promise((r) => setTimeout(r, 50));
  await broker.stop();
  while (!waiting) await new Promise((r) => setTimeout(r, 50));
  // Now in a retry whose kafkajs retries would take seconds to run out.
  await new Promise((r) => setTimeout(r, 1_500));
  const stoppedAt = performance.now();
  abort.abort();
  const summary = await loading;
  expect(performance.now() - stoppedAt).toBeLessThan(1_000);
  expect(summary.sent).toBeLessThan(EVENTS);
  expect(summary.sent).toBeGreaterThanOrEqual(30);
  // The wait it was stopped in is part of its summary.
  expect(summary.waitedMs).toBeGreaterThan(1_500);
}, 120_000);

test("the load's trackers hold the clicks due while the broker is away and send them when it is back", async () => {
  const kafka = new Kafka({ clientId: 'load-away-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  await broker.start();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: 'impressions', numPartitions: 1 },
      { topic: 'user-events', numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  // The simulator's part, drawn without it: a click due every 200 ms (the trackers only send
  // what the load says is due; which events is the simulator's business, tested on its own).
  let drawn = 0;
  let nextDueMs = Date.now();
  const click = (i: number, atMs: number): SentUserEvent => ({
    event: {
      kind: 'click',
      token: `t${i}`,
      eventTimeMs: atMs,
      deliverAtMs: atMs,
      label: 'genuine',
      lateness: 'on-time',
      impressionId: null,
    },
    raw: { type: 'click', token: `t${i}`, ts: new Date(atMs).toISOString() },
  });
  const clicks: UserEventLoad = {
    request: () => {},
    impression: () => false,
    due(nowMs) {
      const out: SentUserEvent[] = [];
      for (; nextDueMs <= nowMs; nextDueMs += 200) out.push(click(drawn++, nextDueMs));
      return out;
    },
    truth: () => {
      throw new Error('no truth');
    },
    stats: () => ({ impressions: 0, unsent: 0, requests: 0, userIds: 0, touches: 0, dropped: 0, unknownAds: 0 }),
  };
  const sent: string[] = [];
  const tracker = await startTracker(kafka, clicks, {
    impressionsTopic: 'impressions',
    userEventsTopic: 'user-events',
    onSent: (e) => sent.push((e.raw as { token: string }).token),
  });
  while (sent.length < 5) await new Promise((r) => setTimeout(r, 50));
  await broker.stop();
  await new Promise((r) => setTimeout(r, OUTAGE_MS));
  const drawnDuringOutage = drawn;
  await broker.start();
  const summary = await tracker.finish({ tailMs: 5_000, idleMs: 0 });

  // Every click drawn was sent and counted, those due while the broker was away included.
  expect(drawnDuringOutage).toBeGreaterThan(20);
  expect(summary.clicks).toBe(drawn);
  expect(new Set(sent).size).toBe(drawn);
  const onTopic = new Set<string>();
  const consumer = kafka.consumer({ groupId: `tracker-away-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'user-events', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      onTopic.add((JSON.parse(message.value!.toString()) as { token: string }).token);
    },
  });
  const deadline = Date.now() + 60_000;
  while (onTopic.size < drawn && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  await consumer.disconnect();
  expect(onTopic.size).toBe(drawn);
}, 180_000);
