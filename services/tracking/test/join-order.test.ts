// Tracking's join does not depend on the order its inputs come in. A click, a conversion of the
// clicking user, a conversion of a user who only saw an ad, and a click on an impression that
// never comes all reach stage two BEFORE any impression, in the service as it runs (src/main.ts,
// its own process): they wait, parked, and nothing is emitted. The process is SIGKILLed while
// they wait; tracking comes back in-process on the same group, and only then do the impressions
// come. The click is priced from its impression, the conversions are attributed click-through
// and view-through, all in their impressions' traces; the click whose impression never came is
// handled at the end of the bounded wait, at cost 0, never lost. Before the join wait, stage two
// emitted the click at cost 0 and left both conversions unattributed.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createTokenSigner, createUserKeyer } from '@adtrace/ads';
import { type AttributedEvent, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { exampleImpression } from '@adtrace/schemas/testing';
import { changelogTopic, Headers, type Hop } from '@adtrace/stream';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { freePort } from '../../../test/support/ports.ts';
import { createTracking, readEnv, toConfig } from '../src/index.ts';
import { registerTestTelemetry, sumOf, type TestTelemetry } from './support.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const run = randomUUID().slice(0, 8);
const KEYS = `k1=${randomBytes(32).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const keyOf = (userId: string) => createUserKeyer(SECRET)({ userId }, 'unused').key;
const CLICKER = `clicker-${run}`;
const VIEWER = `viewer-${run}`;
const T = Date.now() - 300_000;
const WAIT_MS = 5_000;
/** The service's settings, for the child (as variables) and the in-process restart alike. */
const settings = (topics: Record<string, string>, group: string): Record<string, string> => ({
  KAFKA_BROKERS: testBrokers().join(','),
  TRACKING_TOKEN_KEYS: KEYS,
  TRACKING_USER_KEY_SECRET: SECRET,
  TRACKING_GROUP: group,
  TRACKING_RAW_TOPIC: topics.raw!,
  TRACKING_REKEYED_TOPIC: topics.rekeyed!,
  TRACKING_IMPRESSIONS_TOPIC: topics.impressions!,
  TRACKING_ATTRIBUTED_TOPIC: topics.attributed!,
  TRACKING_DEAD_LETTER_TOPIC: topics.dlq!,
  TRACKING_REKEY_DEAD_LETTER_TOPIC: topics.dlqRaw!,
  TRACKING_JOIN_WAIT_MS: String(WAIT_MS),
  // The conversions' due times here are exact (stream time is driven by the impressions the test
  // sends); the re-key skew's allowance is tested in join-wait.test.ts and load-roas.
  TRACKING_REKEY_SKEW_MS: '0',
  // The impressions never count as idle here: the steps take seconds on a loaded machine, and a
  // quiet impressions partition would let the conversions go (the idle policy) before the test sends them.
  TRACKING_IDLE_MS: '3600000',
  // The killed member holds its partitions until its session expires: the restart waits that long.
  TRACKING_SESSION_TIMEOUT_MS: '10000',
  TRACKING_REKEY_SESSION_TIMEOUT_MS: '10000',
});

const signer = createTokenSigner(
  toConfig(readEnv({ TRACKING_TOKEN_KEYS: KEYS, TRACKING_USER_KEY_SECRET: SECRET })).keyring,
);
interface Served {
  readonly impression: Impression;
  readonly traceId: string;
  readonly spanId: string;
}
function serve(label: string, userId: string, timeMs: number, bid: 'CPC' | 'CPM'): Served {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const eventId = `${run}-${label}-0000-8000-000000000000`;
  const impression: Impression = {
    ...exampleImpression,
    eventId,
    impressionId: `${eventId}.1`,
    requestId: `req-${label}`,
    userKey: keyOf(userId),
    campaignId: `cmp-${label}-${run}`,
    adId: `ad-${label}`,
    bidType: bid,
    priceMicros: bid === 'CPM' ? 2000 : 0,
    clickPriceMicros: bid === 'CPC' ? 250_000 : 0,
    eventTimeMs: timeMs,
    modelVersion: `model-${run}`,
  };
  const trackingToken = signer.sign({
    impressionId: impression.impressionId,
    eventId,
    campaignId: impression.campaignId,
    adId: impression.adId,
    userKey: impression.userKey,
    clearingPriceCpmMicros: 2_000_000,
    traceparent: `00-${traceId}-${spanId}-01`,
    expiresAtMs: timeMs + 86_400_000,
  });
  return { impression: { ...impression, trackingToken }, traceId, spanId };
}

const clicked = serve('clicked', CLICKER, T, 'CPC');
const viewed = serve('viewed', VIEWER, T + 1_000, 'CPM');
// Served (its token is genuine) but never written to the impressions topic.
const lost = serve('lost', `lost-${run}`, T + 2_000, 'CPC');
// Another user's impression, served after both conversions: the impressions have moved past them.
const later = serve('later', `later-${run}`, T + 60_000, 'CPM');

const click = (s: Served, ts: number) =>
  JSON.stringify({ type: 'click', token: s.impression.trackingToken, ts: new Date(ts).toISOString() });
const conversion = (userId: string, label: string, value: number, ts: number) =>
  JSON.stringify({
    type: 'conversion',
    userId,
    conversionId: `${label}-${run}`,
    value,
    currency: 'USD',
    ts: new Date(ts).toISOString(),
  });

const eventCodec = createCodec(RecordNames.AttributedEvent);
const impressionCodec = createCodec(RecordNames.Impression);
const kafka = testKafka();
let telemetry: TestTelemetry;
let topics: Awaited<ReturnType<typeof testTopics<'raw' | 'impressions' | 'attributed' | 'dlqRaw' | 'dlq'>>>;
let names: Record<string, string>;
let group: string;
let child: ChildProcess | undefined;
let hop: Hop | undefined;
let whileParked: KafkaMessage[];
let messages: KafkaMessage[];
let attributed: AttributedEvent[];

async function startChild(): Promise<ChildProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [main], {
    env: { ...process.env, ...settings(names, group), TRACKING_HEALTH_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  await waitFor(
    'the tracking process to be ready',
    async () => {
      if (proc.exitCode !== null) throw new Error(`tracking exited ${proc.exitCode}: ${log}`);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    120_000,
  );
  return proc;
}

async function produce(
  topic: string,
  records: { value: string | Buffer; key?: string; timestamp: number; headers?: Record<string, string> }[],
) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: records.map((r) => ({ ...r, timestamp: String(r.timestamp) })) });
  await producer.disconnect();
}

const asImpression = (s: Served) => ({
  key: s.impression.userKey,
  value: impressionCodec.encode(s.impression),
  // As delivery writes it: stamped with the time it served it, in its trace.
  timestamp: s.impression.eventTimeMs,
  headers: { traceparent: `00-${s.traceId}-${s.spanId}-01`, [Headers.eventId]: s.impression.eventId },
});

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  // One partition: stream time is per partition, and the later impression must move it for everyone.
  topics = await testTopics(['raw', 'impressions', 'attributed', 'dlqRaw', 'dlq'], { partitions: 1 });
  names = { ...topics.names, rekeyed: `test.rekeyed.${run}` };
  group = uniqueGroupId('tracking-join');
  child = await startChild();
  // Trackers' events before any impression reached tracking (the impression's four hops lag).
  await produce(names.raw!, [
    { value: click(clicked, T + 5_000), timestamp: Date.now() },
    { value: conversion(CLICKER, 'clickconv', 30, T + 20_000), timestamp: Date.now() },
    { value: conversion(VIEWER, 'viewconv', 12, T + 30_000), timestamp: Date.now() },
    { value: click(lost, T + 6_000), timestamp: Date.now() },
  ]);
  await waitFor(
    'the four events committed by stage two',
    async () => ((await committedCount(kafka, group, names.rekeyed!)) >= 4 ? true : undefined),
    120_000,
  );
  whileParked = await drainTopic(kafka, names.attributed!);
  child.kill('SIGKILL');
  await new Promise((resolve) => child!.once('exit', resolve));

  const env = readEnv(settings(names, group));
  hop = createTracking(toConfig(env), { name: group });
  await hop.start();
  await produce(names.impressions!, [asImpression(clicked), asImpression(viewed)]);
  // Served now, after the conversions were presented: every click presented before them has come.
  await produce(names.impressions!, [{ ...asImpression(later), timestamp: Date.now() }]);
  // What the impressions release is emitted in the transaction that commits them (the handler of
  // its impression, or the timers at the end of that chunk).
  await waitFor(
    'the three impressions committed by stage two',
    async () => ((await committedCount(kafka, group, names.impressions!)) >= 3 ? true : undefined),
    120_000,
  );
  await hop.stop();
  messages = await drainTopic(kafka, names.attributed!);
  attributed = messages.map((m) => eventCodec.decode(m.value!));
}, 400_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await hop?.stop();
  const internal = ['touches', 'impressions', 'parked', 'dedupe', 'timers'].map((s) => changelogTopic(group, s));
  const rekeyInternal = ['dedupe'].map((s) => changelogTopic(`${group}-rekey`, s));
  await topics?.admin.deleteTopics({ topics: [names.rekeyed!, ...internal, ...rekeyInternal] }).catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

const byId = (id: string) => {
  const i = attributed.findIndex((e) => e.eventId === id);
  return { event: attributed[i]!, traceId: header(messages[i]!.headers, Headers.traceparent)?.split('-')[1] };
};

describe('tracking’s join, whatever the order its inputs come in', () => {
  it('emits nothing for clicks and conversions that came before their impressions: they wait', () => {
    expect(whileParked.map((m) => eventCodec.decode(m.value!).eventId)).toEqual([]);
  });

  it('prices the click from its impression once it came, after a SIGKILL, in the impression’s trace', () => {
    const { event, traceId } = byId(`${clicked.impression.impressionId}:click`);
    expect(event).toMatchObject({
      kind: 'CLICK',
      costMicros: 250_000,
      modelVersion: `model-${run}`,
      eventTimeMs: T + 5_000,
    });
    expect(traceId).toBe(clicked.traceId);
    const span = telemetry
      .spans()
      .find(
        (s) =>
          s.name === 'ads.attribute' && s.attributes['ads.event_type'] === 'click' && s.traceId === clicked.traceId,
      );
    expect(span?.attributes['tracking.parked']).toBe(true);
  });

  it('attributes the clicker’s conversion click-through and the viewer’s view-through, in their traces', () => {
    const clickThrough = byId(`clickconv-${run}`);
    expect(clickThrough.event).toMatchObject({
      kind: 'CONVERSION',
      touch: 'CLICK',
      impressionId: clicked.impression.impressionId,
      valueMicros: 30_000_000,
      eventTimeMs: T + 20_000,
    });
    expect(clickThrough.traceId).toBe(clicked.traceId);
    const viewThrough = byId(`viewconv-${run}`);
    expect(viewThrough.event).toMatchObject({
      kind: 'CONVERSION',
      touch: 'VIEW',
      impressionId: viewed.impression.impressionId,
      valueMicros: 12_000_000,
    });
    expect(viewThrough.traceId).toBe(viewed.traceId);
  });

  it('handles the click whose impression never came at the end of its wait, at cost 0, once', async () => {
    const lostClicks = attributed.filter((e) => e.impressionId === lost.impression.impressionId);
    expect(lostClicks).toHaveLength(1);
    expect(lostClicks[0]).toMatchObject({ kind: 'CLICK', costMicros: 0, modelVersion: null });
    expect(sumOf(await telemetry.points(), 'ads.tracking.clicks_without_impression')).toBe(1);
  });

  it('emits each event once, the impressions too', () => {
    expect(attributed.map((e) => e.eventId).sort()).toEqual(
      [
        clicked.impression.impressionId,
        viewed.impression.impressionId,
        later.impression.impressionId,
        `${clicked.impression.impressionId}:click`,
        `${lost.impression.impressionId}:click`,
        `clickconv-${run}`,
        `viewconv-${run}`,
      ].sort(),
    );
  });
});
