// @adtrace/producer against the real broker: keys, headers and bytes as ingest reads them.
import { createCodec, parseOpenRtbBidRequest, RecordNames } from '@adtrace/schemas';
import { exampleOpenRtbRequest, exampleRawBidRequest } from '@adtrace/schemas/testing';
import type { KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestTopics, testKafka, testTopics, uniqueGroupId } from '../../../test/support/kafka.ts';
import { createBidRequestProducer, parseTraceparent } from '../src/index.ts';

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

async function readAll(topic: string, count: number): Promise<KafkaMessage[]> {
  const consumer = testKafka().consumer({ groupId: uniqueGroupId('producer') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const got: KafkaMessage[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.push(message);
        if (got.length >= count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return got;
}

describe('createBidRequestProducer on the broker', () => {
  let topics: TestTopics<'raw'>;
  beforeAll(async () => {
    topics = await testTopics(['raw']);
  });
  afterAll(() => topics.cleanup());

  it('sends JSON and Avro keyed by request id, starting a trace or continuing the caller’s', async () => {
    const producer = await createBidRequestProducer(testKafka(), { topic: topics.names.raw });
    const second = { ...exampleOpenRtbRequest, id: 'req-continued' };
    const avroRequest = { ...exampleRawBidRequest, id: 'req-avro' };
    const sent = await producer.send([
      { json: exampleOpenRtbRequest },
      { avro: avroRequest },
      { json: second, traceparent: CALLER },
    ]);
    await producer.close();
    expect(sent.map((s) => [s.requestId, s.format, s.continued])).toEqual([
      [exampleOpenRtbRequest.id, 'json', false],
      ['req-avro', 'avro', false],
      ['req-continued', 'json', true],
    ]);

    const byKey = new Map((await readAll(topics.names.raw, 3)).map((m) => [m.key?.toString(), m]));
    const json = byKey.get(exampleOpenRtbRequest.id)!;
    expect(parseOpenRtbBidRequest(json.value!).id).toBe(exampleOpenRtbRequest.id);
    const started = parseTraceparent(String(json.headers?.traceparent));
    expect(started?.traceId).toBe(sent[0]!.traceId);

    const avro = byKey.get('req-avro')!;
    expect(createCodec(RecordNames.RawBidRequest).decode(avro.value!)).toEqual(avroRequest);
    expect(parseTraceparent(String(avro.headers?.traceparent))?.traceId).toBe(sent[1]!.traceId);
    expect(sent[0]!.traceId).not.toBe(sent[1]!.traceId);

    expect(String(byKey.get('req-continued')!.headers?.traceparent)).toBe(CALLER);
  });
});
