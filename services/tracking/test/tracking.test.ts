// The tracking service in-process against the real broker, on topics of its own: impressions
// and a click with a valid token and a conversion → an attributed click-through conversion with
// the right impression id and value; forged, expired and unknown-key tokens → raw dead letters
// with their reason; a duplicate click and a duplicate conversion dropped, also after a restart;
// view-through from the restored touch state; the click and the conversion in the impression’s
// trace; no raw user id in any output, dead letter or span.
import { randomBytes, randomUUID } from 'node:crypto';
import { createTokenSigner, createUserKeyer, type TrackingClaims } from '@adtrace/ads';
import { type AttributedEvent, createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import { exampleImpression } from '@adtrace/schemas/testing';
import { changelogTopic, DeadLetterHeaders, Headers, type Hop } from '@adtrace/stream';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createTracking, readEnv, toConfig } from '../src/index.ts';
import { registerTestTelemetry, type SpanRecord, sumOf, type TestTelemetry } from './support.ts';

const run = randomUUID().slice(0, 8);
const KEYS = `k1=${randomBytes(32).toString('hex')}`;
const SECRET = randomBytes(32).toString('hex');
const USER_ID = `raw-user-id-${run}`;
const VIEWER_ID = `raw-viewer-id-${run}`;
const STRANGER_ID = `raw-stranger-id-${run}`;
const keyOf = (userId: string) => createUserKeyer(SECRET)({ userId }, 'unused').key;
const userKey = keyOf(USER_ID);
const RAW_IDS = [USER_ID, VIEWER_ID, STRANGER_ID];
const T0 = Date.now() - 120_000;
const DAY_MS = 86_400_000;

const trackingEnv = (extra: Record<string, string> = {}) =>
  readEnv({
    TRACKING_TOKEN_KEYS: KEYS,
    TRACKING_USER_KEY_SECRET: SECRET,
    TRACKING_USD_RATES: 'EUR=1.08',
    KAFKA_BROKERS: testBrokers().join(','),
    ...extra,
  });
const signer = createTokenSigner(toConfig(trackingEnv()).keyring);
const strangers = createTokenSigner({ signingKeyId: 'zz', keys: [{ id: 'zz', secret: randomBytes(32) }] });

interface Served {
  readonly impression: Impression;
  readonly traceId: string;
  readonly spanId: string;
}
function serve(label: string, campaignId: string, timeMs: number, bid: 'CPC' | 'CPM', user = userKey): Served {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  const eventId = `${run}-${label}-0000-8000-000000000000`;
  const impressionId = `${eventId}.1`;
  const claims: TrackingClaims = {
    impressionId,
    eventId,
    campaignId,
    adId: `ad-${label}`,
    userKey: user,
    clearingPriceCpmMicros: 2_000_000,
    traceparent: `00-${traceId}-${spanId}-01`,
    expiresAtMs: timeMs + 7 * DAY_MS,
  };
  const impression: Impression = {
    ...exampleImpression,
    eventId,
    impressionId,
    requestId: `req-${label}`,
    userKey: user,
    campaignId,
    adId: claims.adId,
    trackingToken: signer.sign(claims),
    bidType: bid,
    priceMicros: bid === 'CPM' ? 2000 : 0,
    clickPriceMicros: bid === 'CPC' ? 250_000 : 0,
    eventTimeMs: timeMs,
    modelVersion: `model-${run}`,
  };
  return { impression, traceId, spanId };
}

const clicked = serve('clicked', `cmp-a-${run}`, T0, 'CPC');
// Served after the clicked one: the view-through candidate a click within its window beats.
const viewed = serve('viewed', `cmp-b-${run}`, T0 + 1000, 'CPM');
// Another user's only touch: an impression, for a view-through conversion after a restart.
const seen = serve('seen', `cmp-c-${run}`, T0 + 2000, 'CPM', keyOf(VIEWER_ID));
const seenLater = serve('test', `cmp-test-${run}`, T0 + 3000, 'CPC');
// A test request's impression (OpenRTB test = 1), then clicked after the real click: were it a
// touch, it would take the conversion's last click.
const testServed: Served = { ...seenLater, impression: { ...seenLater.impression, test: true } };
const served = [clicked, viewed, seen];
const tokenOf = (s: Served) => s.impression.trackingToken;
const forged = `${tokenOf(clicked).slice(0, tokenOf(clicked).lastIndexOf('.'))}.${randomBytes(32).toString('base64url')}`;
const expired = signer.sign({ ...signer.verify(tokenOf(clicked), T0), expiresAtMs: T0 - 1 });
const unknownKey = strangers.sign({ ...signer.verify(tokenOf(clicked), T0), expiresAtMs: T0 + DAY_MS });

const click = (token: string, ts: number) => JSON.stringify({ type: 'click', token, ts: new Date(ts).toISOString() });
const conversion = (value: number, userId = USER_ID, label = 'conv', currency = 'USD') =>
  JSON.stringify({
    type: 'conversion',
    userId,
    conversionId: `${label}-${run}`,
    value,
    currency,
    ts: new Date(T0 + 60_000).toISOString(),
  });

let telemetry: TestTelemetry;
let topics: Awaited<ReturnType<typeof testTopics<'raw' | 'impressions' | 'attributed' | 'dlqRaw' | 'dlq'>>>;
let rekeyed: string;
let group: string;
let hop: Hop;
let attributed: AttributedEvent[];
let attributedMessages: KafkaMessage[];
let rekeyedMessages: KafkaMessage[];
let deadLetters: KafkaMessage[];
const eventCodec = createCodec(RecordNames.AttributedEvent);
const impressionCodec = createCodec(RecordNames.Impression);

async function produce(
  topic: string,
  messages: { key?: string; value: string | Buffer; headers?: Record<string, string>; partition?: number }[],
) {
  const producer = testKafka().producer();
  await producer.connect();
  await producer.send({ topic, messages: messages.map((m) => ({ ...m, timestamp: String(Date.now()) })) });
  await producer.disconnect();
}

async function attributedCount(): Promise<AttributedEvent[]> {
  return (await drainTopic(testKafka(), topics.names.attributed)).map((m) => eventCodec.decode(m.value!));
}

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['raw', 'impressions', 'attributed', 'dlqRaw', 'dlq']);
  rekeyed = `test.rekeyed.${run}`;
  group = uniqueGroupId('tracking');
  const env = trackingEnv();
  const config = toConfig({
    ...env,
    // A quiet impressions partition stops holding stream time back after idleMs: the orphan
    // conversion below waits for that (its partition has no impression) before it is handled.
    stream: { ...env.stream, deadLetterTopic: topics.names.dlq, batchSize: 8, idleMs: 1_000 },
    rekeyStream: { ...env.rekeyStream, deadLetterTopic: topics.names.dlqRaw, batchSize: 8 },
  });
  const start = async () => {
    hop = createTracking(config, {
      name: group,
      topics: {
        raw: topics.names.raw,
        rekeyed,
        impressions: topics.names.impressions,
        attributed: topics.names.attributed,
      },
    });
    await hop.start();
  };
  await start();
  // Impressions first, as delivery writes them: keyed by user key, in their trace.
  await produce(
    topics.names.impressions,
    [...served, testServed].map((s) => ({
      key: s.impression.userKey,
      value: impressionCodec.encode(s.impression),
      headers: { traceparent: `00-${s.traceId}-${s.spanId}-01`, [Headers.eventId]: s.impression.eventId },
    })),
  );
  await waitFor(
    'the impressions attributed',
    async () => ((await attributedCount()).length >= 3 ? true : undefined),
    60_000,
  );
  // The click (twice: a double click) and the bad tokens, unkeyed as trackers write them.
  await produce(topics.names.raw, [
    // A tracker's retry lands in its partition after the original: first wins is then well defined.
    { value: click(tokenOf(clicked), T0 + 5000), partition: 0 },
    { value: click(tokenOf(clicked), T0 + 5000), partition: 0 },
    { value: click(forged, T0 + 5000) },
    { value: click(expired, T0 + 5000) },
    { value: click(unknownKey, T0 + 5000) },
    { value: click(tokenOf(testServed), T0 + 6000), partition: 0 },
  ]);
  await waitFor(
    'the click attributed',
    async () => ((await attributedCount()).some((e) => e.kind === 'CLICK') ? true : undefined),
    60_000,
  );
  // The pixel fires after the click's page: the conversion (and a second copy of it) comes last.
  await produce(topics.names.raw, [
    { value: conversion(49.99), partition: 0 },
    { value: conversion(1), partition: 0 },
  ]);
  const committed = async (rawCount: number, rekeyedCount: number) => {
    await waitFor(
      'every raw event committed by stage one',
      async () =>
        (await committedCount(testKafka(), `${group}-rekey`, topics.names.raw)) >= rawCount ? true : undefined,
      60_000,
    );
    await waitFor(
      'every re-keyed event committed by stage two',
      async () => ((await committedCount(testKafka(), group, rekeyed)) >= rekeyedCount ? true : undefined),
      60_000,
    );
  };
  await committed(8, 5);
  // A restart: stage two's touch state and de-duplication come back from their changelogs.
  await hop.stop();
  await start();
  await produce(topics.names.raw, [
    { value: click(tokenOf(clicked), T0 + 5000), partition: 0 },
    { value: conversion(10, VIEWER_ID, 'viewconv', 'EUR') },
    { value: conversion(5, STRANGER_ID, 'orphan') },
  ]);
  await committed(11, 8);
  await waitFor(
    'the orphan conversion handled, unattributed',
    async () =>
      sumOf(await telemetry.points(), 'ads.attribution.conversions', { 'ads.unattributed_reason': 'NO_TOUCH' }) >= 1
        ? true
        : undefined,
    60_000,
  );
  // Conversions wait until the impressions (or, quiet, stream time) reach when they were presented.
  await waitFor(
    'both attributed conversions emitted',
    async () => {
      const ids = new Set((await attributedCount()).map((e) => e.eventId));
      return ids.has(`conv-${run}`) && ids.has(`viewconv-${run}`) ? true : undefined;
    },
    60_000,
  );
  attributedMessages = await drainTopic(testKafka(), topics.names.attributed);
  attributed = attributedMessages.map((m) => eventCodec.decode(m.value!));
  rekeyedMessages = await drainTopic(testKafka(), rekeyed);
  deadLetters = await drainTopic(testKafka(), topics.names.dlqRaw);
  await hop.stop();
}, 240_000);

afterAll(async () => {
  await hop?.stop();
  const internal = ['touches', 'impressions', 'parked', 'dedupe', 'timers'].map((s) => changelogTopic(group, s));
  await topics?.admin.deleteTopics({ topics: [rekeyed, ...internal] }).catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

const spansNamed = (name: string): SpanRecord[] => telemetry.spans().filter((s) => s.name === name);
const ofKind = (kind: AttributedEvent['kind']) => attributed.filter((e) => e.kind === kind);

describe('tracking', () => {
  it('re-keys by user key onto an internal topic with the impressions’ partition count', async () => {
    const [meta] = (await topics.admin.fetchTopicMetadata({ topics: [rekeyed] })).topics;
    expect(meta?.partitions).toHaveLength(3);
    // Four clicks (one on the test impression) and four conversions made it past verification;
    // each keyed by its user key.
    expect(rekeyedMessages).toHaveLength(8);
    const keys = new Set([userKey, keyOf(VIEWER_ID), keyOf(STRANGER_ID)]);
    for (const m of rekeyedMessages) expect(keys.has(m.key!.toString())).toBe(true);
  });

  it('emits each impression and the click once, keyed by campaign, the click priced from its impression', () => {
    expect(
      ofKind('IMPRESSION')
        .map((e) => e.impressionId)
        .sort(),
    ).toEqual(served.map((s) => s.impression.impressionId).sort());
    const clicks = ofKind('CLICK');
    expect(clicks).toHaveLength(1);
    expect(clicks[0]).toMatchObject({
      eventId: `${clicked.impression.impressionId}:click`,
      impressionId: clicked.impression.impressionId,
      campaignId: clicked.impression.campaignId,
      costMicros: 250_000,
      modelVersion: `model-${run}`,
      eventTimeMs: T0 + 5000,
    });
    for (const m of attributedMessages) expect(m.key?.toString()).toBe(eventCodec.decode(m.value!).campaignId);
  });

  it('tracks a test request’s impression and click, traced, never attributed or counted', async () => {
    const testImpressionId = testServed.impression.impressionId;
    expect(attributed.filter((e) => e.impressionId === testImpressionId)).toEqual([]);
    const testSpans = telemetry.spans().filter((s) => s.attributes['ads.test'] === true);
    expect(testSpans.map((s) => s.attributes['ads.event_type'] ?? s.name).length).toBeGreaterThanOrEqual(2);
    for (const s of testSpans) expect(s.traceId).toBe(testServed.traceId);
    const points = await telemetry.points();
    expect(sumOf(points, 'ads.tracking.test_events', { 'ads.event_type': 'impression' })).toBe(1);
    expect(sumOf(points, 'ads.tracking.test_events', { 'ads.event_type': 'click' })).toBe(1);
  });

  it('attributes the conversion click-through to the clicked impression, with its value, once', () => {
    const conversions = ofKind('CONVERSION').filter((e) => e.eventId === `conv-${run}`);
    expect(conversions).toHaveLength(1);
    expect(conversions[0]).toMatchObject({
      eventId: `conv-${run}`,
      campaignId: clicked.impression.campaignId,
      impressionId: clicked.impression.impressionId,
      touch: 'CLICK',
      touchEventId: `${clicked.impression.impressionId}:click`,
      touchTimeMs: T0 + 5000,
      valueMicros: 49_990_000,
      originalCurrency: 'USD',
      originalValueMicros: 49_990_000,
      eventTimeMs: T0 + 60_000,
      userKey,
    });
  });

  it('after a restart, attributes view-through from the restored touch state, in USD with the original value', () => {
    const [view, ...more] = ofKind('CONVERSION').filter((e) => e.eventId === `viewconv-${run}`);
    expect(more).toEqual([]);
    expect(view).toMatchObject({
      campaignId: seen.impression.campaignId,
      impressionId: seen.impression.impressionId,
      touch: 'VIEW',
      touchEventId: seen.impression.impressionId,
      touchTimeMs: T0 + 2000,
      valueMicros: 10_800_000,
      originalCurrency: 'EUR',
      originalValueMicros: 10_000_000,
    });
    const m = attributedMessages.find((x) => eventCodec.decode(x.value!).eventId === `viewconv-${run}`)!;
    expect(header(m.headers, Headers.traceparent)?.split('-')[1]).toBe(seen.traceId);
  });

  it('emits nothing for a conversion without a touch, counting it', async () => {
    expect(attributed.filter((e) => e.eventId === `orphan-${run}`)).toEqual([]);
    const points = await telemetry.points();
    expect(
      sumOf(points, 'ads.attribution.conversions', {
        'ads.attribution_status': 'unattributed',
        'ads.unattributed_reason': 'NO_TOUCH',
      }),
    ).toBe(1);
  });

  it('drops the duplicate click (also after a restart) and the duplicate conversion, counting them', async () => {
    expect(ofKind('CLICK')).toHaveLength(1);
    expect(ofKind('CONVERSION').filter((e) => e.eventId === `conv-${run}`)).toHaveLength(1);
    expect(sumOf(await telemetry.points(), 'adtrace.stream.duplicates')).toBe(3);
  });

  it('dead-letters forged, expired and unknown-key tokens in the raw dead letters with their reason', () => {
    expect(deadLetters.map((m) => header(m.headers, DeadLetterHeaders.code)).sort()).toEqual([
      'EXPIRED_TOKEN',
      'FORGED_TOKEN',
      'UNKNOWN_TOKEN_KEY',
    ]);
    const reasonOf = (code: string) =>
      header(
        deadLetters.find((m) => header(m.headers, DeadLetterHeaders.code) === code)!.headers,
        DeadLetterHeaders.reason,
      );
    expect(reasonOf('EXPIRED_TOKEN')).toContain('expired at');
    expect(reasonOf('FORGED_TOKEN')).toContain('signature');
    expect(reasonOf('UNKNOWN_TOKEN_KEY')).toContain('zz');
  });

  it('keeps the click and the conversion in the impression’s trace', () => {
    const inTrace = (name: string) => spansNamed(name).filter((s) => s.traceId === clicked.traceId);
    // Stage one's span for each copy of the click (the token's trace), stage two's for the click
    // that counted, the conversion's attribution, and the impression's own.
    // The expired token is genuine: its click is in the trace too, marked with why it was refused.
    const tracked = inTrace('ads.track_event').map((s) => s.attributes['tracking.rejected_code'] ?? 'forwarded');
    expect(tracked.sort()).toEqual(['EXPIRED_TOKEN', 'forwarded', 'forwarded', 'forwarded']);
    const attributes = inTrace('ads.attribute').map((s) => s.attributes['ads.event_type']);
    expect(attributes.sort()).toEqual(['click', 'conversion', 'impression']);
    const trackClick = inTrace('ads.track_event').find((s) => !s.attributes['tracking.rejected_code'])!;
    const process = telemetry.spans().find((s) => s.spanId === trackClick.parentSpanId)!;
    expect(process.name).toBe(`process ${topics.names.raw}`);
    expect(process.parentSpanId).toBe(clicked.spanId);
    // The CLICK and the conversion attributed to it are written in that trace too.
    for (const id of [`${clicked.impression.impressionId}:click`, `conv-${run}`]) {
      const m = attributedMessages.find((x) => eventCodec.decode(x.value!).eventId === id)!;
      expect(header(m.headers, Headers.traceparent)?.split('-')[1], id).toBe(clicked.traceId);
    }
    // A forged token's trace context is not trusted.
    const forgedSpan = spansNamed('ads.track_event').find(
      (s) => s.attributes['tracking.rejected_code'] === 'FORGED_TOKEN',
    );
    expect(forgedSpan?.traceId).not.toBe(clicked.traceId);
  });

  it('lets no raw user id reach an output, a dead letter or a span', () => {
    const outputs = [...attributedMessages, ...rekeyedMessages, ...deadLetters];
    for (const m of outputs) {
      const headers = JSON.stringify(m.headers ?? {}, (_k, v) =>
        v?.type === 'Buffer' ? Buffer.from(v.data).toString() : v,
      );
      for (const id of RAW_IDS) {
        expect(m.value?.includes(id) ?? false).toBe(false);
        expect(m.key?.includes(id) ?? false).toBe(false);
        expect(headers).not.toContain(id);
      }
    }
    for (const id of RAW_IDS) expect(JSON.stringify(telemetry.spans())).not.toContain(id);
  });
});
