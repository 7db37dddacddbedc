import { type AttributedEvent, createCodec, type RoasWindow } from '@adtrace/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testBrokers, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import type { WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, getJson, startTestService } from './support.ts';

/** The loader with the real Avro codecs of @adtrace/schemas (no decoders injected). */
describe('the topic loader reads the Avro records of the pipeline', () => {
  const backend = duckdbBackend();
  let topics: TestTopics<'attributed' | 'roas' | 'dlq'>;
  let service: WarehouseService | undefined;
  const campaignId = `cmp-avro-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    topics = await testTopics(['attributed', 'roas', 'dlq'], { partitions: 1 });
    const click: AttributedEvent = {
      eventId: 'click-1',
      kind: 'CLICK',
      originalEventId: 'evt-avro-1',
      campaignId,
      adId: 'ad-9',
      userKey: 'uk-1',
      touch: 'NONE',
      costMicros: 250_000,
      valueMicros: 0,
      pctr: 0,
      eventTimeMs: 1_795_305_984_000,
      attributedAtMs: 1_795_305_984_050,
      impressionId: 'evt-avro-1.1',
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: 'USD',
      originalValueMicros: 0,
      modelVersion: 'ctr-v1',
    };
    const window: RoasWindow = {
      campaignId,
      windowStartMs: 1_795_305_960_000,
      windowEndMs: 1_795_306_020_000,
      impressions: 40,
      clicks: 1,
      conversions: 0,
      spendMicros: 250_000,
      revenueMicros: 0,
      roas: 0,
      observedCtr: 0.025,
      predictedCtr: 0.02,
      completeThroughMs: 1_795_306_000_000,
      final: false,
      revision: 0,
      emittedAtMs: 1_795_306_000_500,
      currency: 'USD',
      clickThroughConversions: 0,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 0,
      viewThroughRevenueMicros: 0,
      lateDropped: 2,
      generation: 1,
    };
    const producer = testKafka('loader-avro').producer();
    await producer.connect();
    await producer.send({
      topic: topics.names.attributed,
      messages: [{ key: campaignId, value: createCodec('AttributedEvent').encode(click) }],
    });
    await producer.send({
      topic: topics.names.roas,
      messages: [{ key: campaignId, value: createCodec('RoasWindow').encode(window) }],
    });
    await producer.disconnect();
    service = await startTestService(backend, {
      loader: {
        enabled: true,
        brokers: testBrokers(),
        groupId: uniqueGroupId('warehouse-avro'),
        topics: { attributedEvents: topics.names.attributed, roas: topics.names.roas, deadLetters: topics.names.dlq },
      },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await topics?.cleanup();
    await backend.cleanup();
  });

  it('loads an AttributedEvent and a RoasWindow', async () => {
    const events = await eventually(
      async () => {
        const e = (await getJson(service!.apiPort, `/api/attributed-events?campaignId=${campaignId}`)).body.events;
        return e.length === 1 ? e : undefined;
      },
      30_000,
      'the attributed event',
    );
    expect(events[0]).toMatchObject({
      eventId: 'click-1',
      kind: 'click',
      originalEventId: 'evt-avro-1',
      costMicros: 250_000,
      eventTimeMs: 1_795_305_984_000,
      impressionId: 'evt-avro-1.1',
      modelVersion: 'ctr-v1',
      originalCurrency: 'USD',
    });
    const windows = await eventually(
      async () => {
        const w = (await getJson(service!.apiPort, `/api/roas?campaignId=${campaignId}`)).body.windows;
        return w.length === 1 ? w : undefined;
      },
      30_000,
      'the ROAS window',
    );
    expect(windows[0]).toMatchObject({
      impressions: 40,
      clicks: 1,
      spendMicros: 250_000,
      observedCtr: 0.025,
      revision: 0,
      complete: false,
      lateDropped: 2,
      generation: 1,
    });
  });
});
