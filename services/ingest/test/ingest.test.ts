// The ingest service in-process against the real broker, on topics of its own: what reaches
// adtrace.bid-requests, what is dead-lettered and why, what is dropped as a retry, and that no
// raw user id, device id or IP leaves ingest in an output or a span.
import { randomBytes, randomUUID } from 'node:crypto';
import { createUserKeyer, deriveEventId } from '@adtrace/ads';
import { type BidRequest, createCodec, type RawBidRequest, RecordNames } from '@adtrace/schemas';
import { exampleOpenRtbRequest, exampleRawBidRequest } from '@adtrace/schemas/testing';
import { changelogTopic, DeadLetterHeaders, Headers, type Hop } from '@adtrace/stream';
import { SpanStatusCode } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedCount, drainTopic, header, waitFor } from '../../../packages/stream/test/support/kafka-io.ts';
import { testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createIngest, IngestAttr, readEnv, toConfig } from '../src/index.ts';
import { registerTestTelemetry, type SpanRecord, sumOf, type TestTelemetry } from './support.ts';

const SECRET = randomBytes(32).toString('hex');
const SOURCE = 'upstream';
const run = randomUUID().slice(0, 8);

/** Raw identifiers this test sends, each unique to the run: none may appear downstream. */
const raw = (label: string, n: number) => ({
  userId: `raw-user-${label}-${run}`,
  ifa: `${run}-${String(n).padStart(4, '0')}-4ba4-ae5b-76104861e7dc`,
  ip: `198.51.100.${100 + n}`,
  ipv6: `2001:db8:${n.toString(16)}:7a00:1234:5678:9abc:def${n % 10}`,
});

interface Sent {
  readonly label: string;
  readonly key: string;
  readonly value: Buffer;
  readonly traceId?: string;
  readonly spanId?: string;
  readonly ids?: ReturnType<typeof raw>;
}

const base = exampleOpenRtbRequest;
/** A valid OpenRTB JSON request carrying the raw ids of `n`, personalized (no GDPR). */
function jsonRequest(
  label: string,
  n: number,
  over: Record<string, unknown> = {},
): { request: object; ids: ReturnType<typeof raw> } {
  const ids = raw(label, n);
  const request = {
    ...base,
    id: `req-${label}-${run}`,
    device: { ...base.device, ifa: ids.ifa, ip: ids.ip, ipv6: ids.ipv6 },
    user: { id: ids.userId, buyeruid: `buyer-${ids.userId}`, yob: 1990 },
    regs: { coppa: 0 },
    ...over,
  };
  return { request, ids };
}

const rawCodec = createCodec(RecordNames.RawBidRequest);
const bidRequestCodec = createCodec(RecordNames.BidRequest);
const userKeyOf = createUserKeyer(SECRET);
const upstream = () => ({ traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') });

function sent(label: string, n: number, over: Record<string, unknown> = {}, key?: string): Sent {
  const { request, ids } = jsonRequest(label, n, over);
  const id = (request as { id?: string }).id ?? `no-id-${run}`;
  return { label, key: key ?? id, value: Buffer.from(JSON.stringify(request)), ids, ...upstream() };
}

const avroIds = raw('avro', 90);
const avroRequest: RawBidRequest = {
  ...exampleRawBidRequest,
  id: `req-avro-${run}`,
  device: { ...exampleRawBidRequest.device!, ifa: avroIds.ifa, ip: avroIds.ip },
  user: { ...exampleRawBidRequest.user!, id: avroIds.userId },
  regs: { ...exampleRawBidRequest.regs!, gdpr: 0 },
};

const valid = {
  json: sent('json', 1),
  avro: {
    label: 'avro',
    key: avroRequest.id,
    value: Buffer.from(rawCodec.encode(avroRequest)),
    ids: avroIds,
    ...upstream(),
  } satisfies Sent,
  malformed: sent('malformed', 2, {
    imp: [{ ...base.imp[0], bidfloorcur: 'usd' }],
    device: { ...base.device, ip: '', ifa: raw('malformed', 2).ifa, geo: { ...base.device.geo, lat: 91 } },
    regs: { gdpr: '1' },
  }),
  test: sent('test', 3, { test: 1 }),
  // Upstream breaks the contract and keys by the raw user id: it must not leak through the key.
  keyedByUser: sent('keyed', 4, {}, raw('keyed', 4).userId),
  untraced: { ...sent('untraced', 5), traceId: undefined, spanId: undefined },
  euroFloor: sent('euro', 6, { imp: [{ ...base.imp[0], bidfloor: 2, bidfloorcur: 'EUR' }] }),
};
const invalid = {
  missingId: { ...sent('missing', 7, { id: undefined }), reason: /\bid \[required\]: id is required/ },
  duplicateImps: {
    ...sent('dupimp', 8, { imp: [base.imp[0], base.imp[0]] }),
    reason: /imp.*\[unique\]: imp ids must be unique/,
  },
  unknownCurrency: {
    ...sent('currency', 9, { imp: [{ ...base.imp[0], bidfloor: 1, bidfloorcur: 'XYZ' }] }),
    reason: /imp\[0\]\.bidfloorcur XYZ has no USD rate/,
  },
  auctionType: { ...sent('at', 10, { at: 3 }), reason: /at \[range\]: at must be 1 \(first price\) or 2/ },
};
// A retry of the JSON request: same request id, same key, its own delivery trace.
const retry: Sent = { ...valid.json, ...upstream() };
const everything: Sent[] = [...Object.values(valid), ...Object.values(invalid), retry];

let telemetry: TestTelemetry;
let topics: Awaited<ReturnType<typeof testTopics<'raw' | 'requests' | 'dlq'>>>;
let hop: Hop;
let group: string;
let outputs: KafkaMessage[];
let deadLetters: KafkaMessage[];

beforeAll(async () => {
  telemetry = registerTestTelemetry();
  topics = await testTopics(['raw', 'requests', 'dlq']);
  group = uniqueGroupId('ingest');
  const kafka = testKafka();
  const producer = kafka.producer();
  await producer.connect();
  // The retry after its original, in one partition (same key): de-duplication sees them in order.
  await producer.send({
    topic: topics.names.raw,
    messages: everything.map((s) => ({
      key: s.key,
      value: s.value,
      headers: s.traceId ? { traceparent: `00-${s.traceId}-${s.spanId}-01` } : {},
    })),
  });
  await producer.disconnect();
  const env = readEnv({
    INGEST_USER_KEY_SECRET: SECRET,
    INGEST_USD_RATES: 'EUR=1.08',
    KAFKA_BROKERS: testBrokers().join(','),
  });
  const config = toConfig({ ...env, stream: { ...env.stream, deadLetterTopic: topics.names.dlq, batchSize: 4 } });
  hop = createIngest(config, { name: group, topics: { raw: topics.names.raw, requests: topics.names.requests } });
  await hop.start();
  // Every record committed — written, dead-lettered or dropped as a retry — before reading.
  await waitFor(
    'every record committed',
    async () => ((await committedCount(kafka, group, topics.names.raw)) >= everything.length ? true : undefined),
    60_000,
  );
  [outputs, deadLetters] = await Promise.all([
    drainTopic(kafka, topics.names.requests),
    drainTopic(kafka, topics.names.dlq),
  ]);
  await hop.stop();
});

afterAll(async () => {
  await hop?.stop();
  await topics?.admin.deleteTopics({ topics: [changelogTopic(group, 'dedupe')] }).catch(() => {});
  await topics?.cleanup();
  await telemetry?.shutdown();
});

const decoded = (m: KafkaMessage): BidRequest => bidRequestCodec.decode(m.value!);
const spansNamed = (name: string): SpanRecord[] => telemetry.spans().filter((s) => s.name === name);

describe('ingest', () => {
  it('turns valid JSON and Avro requests into BidRequests keyed by user key, with the event id header and the upstream trace', () => {
    for (const s of [valid.json, valid.avro]) {
      const [out, ...more] = outputs.filter((m) => decoded(m).id === s.key);
      expect(more, `${s.label}: one output`).toEqual([]);
      const request = decoded(out!);
      const eventId = deriveEventId(SOURCE, s.key);
      expect(out!.key!.toString()).toBe(userKeyOf({ userId: s.ids!.userId }, eventId).key);
      expect(request.userKey).toBe(out!.key!.toString());
      expect(request.eventId).toBe(eventId);
      expect(header(out!.headers, Headers.eventId)).toBe(eventId);
      expect(header(out!.headers, Headers.traceparent)?.split('-')[1]).toBe(s.traceId);
      // The trace continues: ingest's process span is the child of the upstream producer span,
      // ads.serve of the process span, and the output (no span of its own) carries ads.serve's context.
      const serve = spansNamed('ads.serve').find((x) => x.attributes[IngestAttr.requestId] === s.key)!;
      expect(serve.traceId).toBe(s.traceId);
      const process = telemetry.spans().find((x) => x.spanId === serve.parentSpanId)!;
      expect(process.name).toBe(`process ${topics.names.raw}`);
      expect(process.parentSpanId).toBe(s.spanId);
      expect(header(out!.headers, Headers.traceparent)?.split('-')[2]).toBe(serve.spanId);
      expect(serve.attributes).toMatchObject({
        [IngestAttr.userKey]: request.userKey,
        [IngestAttr.placement]: 'news.example.com',
        [IngestAttr.platform]: 'site',
        'adtrace.event_id': eventId,
      });
      const pii = spansNamed('ads.ingest.reduce_pii').find((x) => x.parentSpanId === serve.spanId)!;
      expect(pii.attributes['pii.hashed']).toEqual(['user.id:user_key_hmac']);
      expect(pii.attributes['pii.truncated']).toContain('device.ip:ipv4_to_24');
    }
    expect(decoded(outputs.find((m) => decoded(m).id === valid.avro.key)!).device?.ip).toBe('198.51.100.0');
  });

  it('starts the trace when upstream sent none', () => {
    const out = outputs.find((m) => decoded(m).id === valid.untraced.key)!;
    const traceId = header(out.headers, Headers.traceparent)?.split('-')[1];
    const serve = spansNamed('ads.serve').find((x) => x.attributes[IngestAttr.requestId] === valid.untraced.key)!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(serve.traceId).toBe(traceId);
  });

  it('dead-letters each invalid request to the raw dead-letter topic with a reason naming the field and rule', () => {
    expect(deadLetters).toHaveLength(Object.keys(invalid).length);
    for (const s of Object.values(invalid)) {
      const dl = deadLetters.find((m) => m.key?.toString() === s.key);
      expect(dl, s.label).toBeDefined();
      expect(header(dl!.headers, DeadLetterHeaders.reason), s.label).toMatch(s.reason);
      expect(header(dl!.headers, DeadLetterHeaders.stage)).toBe(group);
      expect(dl!.value?.equals(s.value), 'the original bytes').toBe(true);
    }
    expect(
      header(
        deadLetters.find((m) => m.key?.toString() === invalid.unknownCurrency.key)!.headers,
        DeadLetterHeaders.code,
      ),
    ).toBe('UNKNOWN_CURRENCY');
  });

  it("a request refused by the handler: its dead letter names its event, its ads.serve span the upstream's request id", () => {
    // What `adtrace dlq list` shows as EVENT and how `adtrace trace <request id>` finds it. Before,
    // the letter had no event id and the span no request id: "no trace" for the requests an
    // exchange most asks about.
    const { key } = invalid.unknownCurrency;
    const dl = deadLetters.find((m) => m.key?.toString() === key)!;
    expect(header(dl.headers, Headers.eventId)).toBe(deriveEventId(SOURCE, key));
    const serve = spansNamed('ads.serve').find((x) => x.attributes[IngestAttr.requestId] === key);
    expect(serve?.status.code).toBe(SpanStatusCode.ERROR);
    expect(serve?.attributes['adtrace.event_id']).toBe(deriveEventId(SOURCE, key));
  });

  it('drops or normalizes a malformed optional field, counts it by field, and lets the request flow', async () => {
    const out = outputs.filter((m) => decoded(m).id === valid.malformed.key);
    expect(out).toHaveLength(1);
    const request = decoded(out[0]!);
    expect(request.imp[0]!.bidfloorcur).toBe('USD');
    expect(request.device?.ip).toBeNull();
    expect(request.device?.geo?.lat).toBeNull();
    expect(request.regs.gdpr).toBe(true);
    // regs.gdpr = 1 without a consent string: contextual only, keyed by its own event.
    expect(request.userKey).toBe(`anon_${request.eventId}`);
    const points = await telemetry.points();
    for (const field of ['imp.bidfloorcur', 'device.ip', 'device.geo.lat', 'regs.gdpr']) {
      expect(sumOf(points, 'ads.ingest.fields_dropped', { field }), field).toBeGreaterThanOrEqual(1);
    }
  });

  it('converts floors to USD and flags test requests', () => {
    const euro = decoded(outputs.find((m) => decoded(m).id === valid.euroFloor.key)!);
    expect(euro.imp[0]!.bidfloorMicros).toBe(2_160_000);
    expect(decoded(outputs.find((m) => decoded(m).id === valid.test.key)!).test).toBe(true);
    const serve = spansNamed('ads.serve').find((x) => x.attributes[IngestAttr.requestId] === valid.test.key)!;
    expect(serve.attributes[IngestAttr.test]).toBe(true);
  });

  it('drops a retry of a request id and counts it', async () => {
    expect(outputs.filter((m) => decoded(m).id === valid.json.key)).toHaveLength(1);
    expect(outputs).toHaveLength(Object.keys(valid).length);
    const duplicate = telemetry
      .spans()
      .find((x) => x.traceId === retry.traceId && x.name === `process ${topics.names.raw}`);
    expect(duplicate?.attributes['adtrace.duplicate']).toBe(true);
    expect(sumOf(await telemetry.points(), 'adtrace.stream.duplicates')).toBe(1);
  });

  it('lets none of the raw user ids, device ids or IPs out, in any output or span — upstream keying by user id included', () => {
    const secrets = everything.flatMap((s) => (s.ids ? [s.ids.userId, s.ids.ifa, s.ids.ip, s.ids.ipv6] : []));
    expect(secrets.length).toBeGreaterThan(20);
    const written = outputs.map((m) =>
      [
        m.key?.toString('latin1'),
        m.value?.toString('latin1'),
        JSON.stringify(m.headers, (_, v) => (v?.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v)),
      ].join('\n'),
    );
    const spans = telemetry.spans().map((s) => JSON.stringify(s));
    expect(spans.length).toBeGreaterThan(everything.length * 2);
    for (const secret of secrets) {
      expect(
        written.filter((w) => w.includes(secret)),
        `${secret} in an output`,
      ).toEqual([]);
      expect(
        spans.filter((w) => w.includes(secret)),
        `${secret} in a span`,
      ).toEqual([]);
    }
    // The record keyed by the raw user id went out under its user key.
    const keyed = outputs.find((m) => decoded(m).id === `req-keyed-${run}`)!;
    expect(keyed.key!.toString()).toMatch(/^u1_/);
  });
});
