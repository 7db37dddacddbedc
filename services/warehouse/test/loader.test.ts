import { DeadLetterHeaders, Headers } from '@adtrace/stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import type { RecordDecoders, ServiceConfig, WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, getJson, startTestService } from './support.ts';

// The Avro codecs are @adtrace/schemas' business; here records travel as JSON through the same seam.
const json: Partial<RecordDecoders> = {
  attributedEvent: (b) => JSON.parse(b.toString('utf8')),
  roasWindow: (b) => JSON.parse(b.toString('utf8')),
};
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('the topic loader', () => {
  const backend = duckdbBackend();
  let topics: TestTopics<'attributed' | 'roas' | 'dlq' | 'rawDlq'>;
  let service: WarehouseService | undefined;
  const campaignId = `cmp-${Math.random().toString(36).slice(2, 8)}`;

  const start = (groupId: string) => {
    const loader: ServiceConfig['loader'] = {
      enabled: true,
      brokers: testBrokers(),
      groupId,
      topics: {
        attributedEvents: topics.names.attributed,
        roas: topics.names.roas,
        deadLetters: topics.names.dlq,
        rawDeadLetters: topics.names.rawDlq,
      },
    };
    return startTestService(backend, { loader }, { decoders: json });
  };

  beforeAll(async () => {
    topics = await testTopics(['attributed', 'roas', 'dlq', 'rawDlq'], { partitions: 1 });
    const producer = testKafka('loader-test').producer();
    await producer.connect();
    const event = {
      eventId: 'imp-1',
      kind: 'IMPRESSION',
      originalEventId: 'evt-1',
      campaignId,
      adId: 'ad-1',
      userKey: 'u',
      touch: 'NONE',
      costMicros: 1500,
      valueMicros: 0,
      pctr: 0.02,
      eventTimeMs: 1_795_305_984_000,
      attributedAtMs: 1_795_305_984_100,
    };
    await producer.send({
      topic: topics.names.attributed,
      messages: [
        { key: campaignId, value: JSON.stringify(event), headers: { traceparent } },
        {
          key: campaignId,
          value: JSON.stringify({
            ...event,
            eventId: 'conv-1',
            kind: 'CONVERSION',
            touch: 'CLICK',
            costMicros: 0,
            valueMicros: 40_000_000,
          }),
        },
        // Undecodable: a dead letter of the loader (never blocks the partition), then a dead_letters row.
        {
          key: campaignId,
          value: 'not json: a dead letter, never blocks the partition',
          headers: { 'adtrace.event-id': 'bad-1' },
        },
      ],
    });
    const window = {
      campaignId,
      windowStartMs: 1_795_305_960_000,
      windowEndMs: 1_795_306_020_000,
      impressions: 1,
      clicks: 1,
      conversions: 1,
      spendMicros: 1500,
      revenueMicros: 40_000_000,
      roas: 26666.67,
      observedCtr: 1,
      predictedCtr: 0.02,
      completeThroughMs: 1_795_306_000_000,
      final: false,
      revision: 0,
      emittedAtMs: 1_795_306_001_000,
    };
    await producer.send({
      topic: topics.names.roas,
      messages: [
        { key: campaignId, value: JSON.stringify(window) },
        { key: campaignId, value: JSON.stringify({ ...window, revision: 1, final: true, conversions: 2 }) },
      ],
    });
    const dlq = (offset: string, reason: string) => ({
      key: 'user-9',
      value: Buffer.from([0x7b, 0x00, 0xff]),
      headers: {
        [DeadLetterHeaders.reason]: reason,
        [DeadLetterHeaders.code]: 'REQUIRED',
        [DeadLetterHeaders.errorClass]: 'ValidationError',
        [DeadLetterHeaders.stage]: 'ingest',
        [DeadLetterHeaders.originalTopic]: 'adtrace.bid-requests.raw',
        [DeadLetterHeaders.originalPartition]: '4',
        [DeadLetterHeaders.originalOffset]: offset,
        [DeadLetterHeaders.originalTimestamp]: '1795305984000',
        [DeadLetterHeaders.originalTraceparent]: traceparent,
        [DeadLetterHeaders.deadLetteredAt]: String(1_795_305_985_000 + Number(offset)),
        [Headers.eventId]: `evt-dl-${offset}`,
      },
    });
    await producer.send({
      topic: topics.names.dlq,
      messages: [dlq('17', 'imp[0].id is missing'), dlq('18', 'not JSON')],
    });
    // A raw topic's dead letter: upstream's request as it came, a person's ids and IP in it.
    const refused = {
      id: 'req-raw-1',
      imp: [{ id: '1', banner: { w: 300, h: 250 }, bidfloor: 0.5, bidfloorcur: 'SEK' }],
      user: { id: 'person-42', buyeruid: 'buyer-42' },
      device: { ip: '203.0.113.77', ifa: 'ifa-42' },
    };
    await producer.send({
      topic: topics.names.rawDlq,
      messages: [
        {
          key: 'req-raw-1',
          value: JSON.stringify(refused),
          headers: {
            ...dlq('5', 'imp[0].bidfloorcur SEK has no USD rate configured').headers,
            [DeadLetterHeaders.code]: 'UNKNOWN_CURRENCY',
            [DeadLetterHeaders.errorClass]: 'RejectedError',
            'x-upstream-user': 'person-42',
          },
        },
      ],
    });
    await producer.disconnect();
  });

  afterAll(async () => {
    await service?.stop();
    await topics?.cleanup();
    await backend.cleanup();
  });

  type DeadLetter = {
    stage: string;
    originalTopic: string;
    originalOffset: string;
    reason: string;
    code: string;
    raw: boolean;
    keyBase64: string | null;
    valueBase64: string | null;
    headers: Record<string, string>;
  };
  const deadLetters = async (): Promise<DeadLetter[]> =>
    (await getJson(service!.apiPort, '/api/dead-letters')).body.deadLetters;
  const firstGroup = uniqueGroupId('warehouse');

  it('loads dead letters with their reasons, origin and event id', async () => {
    service = await start(firstGroup);
    const rows = await eventually(
      async () => {
        const d = (await deadLetters()).filter((r) => r.stage === 'ingest' && !r.raw);
        return d.length === 2 ? d : undefined;
      },
      30_000,
      'two dead letters',
    );
    expect(rows.find((r) => r.originalOffset === '18')).toMatchObject({
      reason: 'not JSON',
      code: 'REQUIRED',
      errorClass: 'ValidationError',
      stage: 'ingest',
      originalTopic: 'adtrace.bid-requests.raw',
      originalPartition: 4,
      originalOffset: '18',
      eventId: 'evt-dl-18',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      valueBytes: 3,
    });
  });

  it("loads a raw topic's dead letter redacted: no key, no person's ids, the IP truncated, only the runtime's headers", async () => {
    const row = await eventually(
      async () => (await deadLetters()).find((r) => r.code === 'UNKNOWN_CURRENCY'),
      30_000,
      "the raw topic's dead letter",
    );
    expect(row).toMatchObject({
      raw: true,
      stage: 'ingest',
      reason: 'imp[0].bidfloorcur SEK has no USD rate configured',
      originalTopic: 'adtrace.bid-requests.raw',
      originalOffset: '5',
      keyBase64: null,
    });
    const value = Buffer.from(row!.valueBase64!, 'base64').toString('utf8');
    expect(JSON.parse(value)).toMatchObject({
      id: 'req-raw-1',
      imp: [{ bidfloorcur: 'SEK' }],
      device: { ip: '203.0.113.0' },
    });
    for (const secret of ['person-42', 'buyer-42', 'ifa-42', '203.0.113.77']) {
      expect(value).not.toContain(secret);
      expect(JSON.stringify(row!.headers)).not.toContain(secret);
    }
    expect(row!.headers[DeadLetterHeaders.reason]).toBe('imp[0].bidfloorcur SEK has no USD rate configured');
    // The pipeline's own dead letters are listed beside it, as before.
    expect((await deadLetters()).filter((r) => r.stage === 'ingest' && !r.raw)).toHaveLength(2);
  });

  it('loads attributed events (trace id from the traceparent) and keeps the latest ROAS revision', async () => {
    const events = await eventually(
      async () => {
        const e = (await getJson(service!.apiPort, `/api/attributed-events?campaignId=${campaignId}`)).body.events;
        return e.length === 2 ? e : undefined;
      },
      30_000,
      'two attributed events',
    );
    const imp = events.find((e: { eventId: string }) => e.eventId === 'imp-1');
    expect(imp).toMatchObject({
      kind: 'impression',
      touch: 'none',
      costMicros: 1500,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
    expect(imp.userKey).toBeUndefined();
    const windows = await eventually(
      async () => {
        const w = (await getJson(service!.apiPort, `/api/roas?campaignId=${campaignId}`)).body.windows;
        return w.length === 1 && w[0].revision === 1 ? w : undefined;
      },
      30_000,
      'the restated window',
    );
    expect(windows[0]).toMatchObject({ conversions: 2, complete: true });
  });

  it('dead-letters an attributed event that does not decode, and loads that dead letter too', async () => {
    const rows = await eventually(
      async () => {
        const d = (await deadLetters()).filter((r) => r.stage === firstGroup);
        return d.length === 1 ? d : undefined;
      },
      30_000,
      "the loader's own dead letter in dead_letters",
    );
    expect(rows[0]).toMatchObject({
      stage: firstGroup,
      code: 'UNDECODABLE',
      errorClass: 'SyntaxError',
      originalTopic: topics.names.attributed,
      originalPartition: 0,
      originalOffset: '2',
      eventId: 'bad-1',
      valueBytes: Buffer.byteLength('not json: a dead letter, never blocks the partition'),
    });
    // It came through the dead-letters topic (after the two there), with the runtime's headers.
    expect(rows[0]).toMatchObject({ dlqPartition: 0, dlqOffset: '2' });
    expect(rows[0]!.reason).toMatch(/JSON/);
    expect(rows[0]!.headers).toMatchObject({
      [DeadLetterHeaders.stage]: firstGroup,
      [DeadLetterHeaders.originalTopic]: topics.names.attributed,
      [DeadLetterHeaders.originalOffset]: '2',
    });
    const health = (await getJson(service!.apiPort, '/api/health')).body.loader;
    expect(health).toMatchObject({ undecodable: 1, ready: true });
  });

  it('reading everything again (a new group) duplicates nothing', async () => {
    await service!.stop();
    service = await start(uniqueGroupId('warehouse-again'));
    await eventually(
      async () => {
        const loaded = (await getJson(service!.apiPort, '/api/health')).body.loader?.loaded ?? {};
        const through = [topics.names.dlq, topics.names.rawDlq, topics.names.attributed].every((t) => t in loaded);
        return through ? true : undefined;
      },
      30_000,
      'the second loader to go through the topics',
    );
    // Dead letters are at-least-once, keyed by their place in the dead-letters topic: the new
    // group (another stage) parks the undecodable event once more, and nothing else repeats.
    const all = await eventually(
      async () => {
        const d = await deadLetters();
        return d.length === 5 ? d : undefined;
      },
      30_000,
      "the second loader's dead letter",
    );
    const places = all.map((r) => `${r.stage} ${r.originalTopic} ${r.originalOffset}`);
    expect(new Set(places).size).toBe(5);
    expect(all.filter((r) => r.raw)).toHaveLength(1);
    expect(all.filter((r) => r.stage === 'ingest' && !r.raw)).toHaveLength(2);
    const events = (await getJson(service!.apiPort, `/api/attributed-events?campaignId=${campaignId}`)).body.events;
    expect(events).toHaveLength(2);
  });
});
