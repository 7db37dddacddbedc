import { ROOT_CONTEXT } from '@opentelemetry/api';
import { expect, test } from 'vitest';
import { classify } from './classify.ts';
import { deadLetterRecord } from './dead-letter.ts';
import { RejectedError } from './errors.ts';
import { DeadLetterHeaders } from './headers.ts';
import type { FetchedRecord as KafkaMessage } from './kafka/port.ts';

test('a dead letter keeps key, value and headers, and adds every DeadLetterHeaders entry', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const message = {
    key: Buffer.from('user-1'),
    value: Buffer.from('{"bad"'),
    offset: '42',
    timestamp: '1700000000000',
    headers: { traceparent: Buffer.from(traceparent), 'adtrace.event-id': Buffer.from('e1') },
  } as unknown as KafkaMessage;
  const verdict = classify(new RejectedError('NO_IMP', 'bid request has no imp'), 'handle');
  const source = {
    topic: 'adtrace.bid-requests.raw',
    partition: 3,
    stage: 'ingest',
    deadLetterTopic: 'adtrace.dead-letters',
  };
  const record = deadLetterRecord(message, source, verdict, ROOT_CONTEXT, 'e1', 1700000000500);
  expect(record.message.key).toEqual(message.key);
  expect(record.message.value).toEqual(message.value);
  expect(record.message.headers).toEqual({
    traceparent: Buffer.from(traceparent),
    'adtrace.event-id': 'e1',
    [DeadLetterHeaders.reason]: 'bid request has no imp',
    [DeadLetterHeaders.code]: 'NO_IMP',
    [DeadLetterHeaders.errorClass]: 'RejectedError',
    [DeadLetterHeaders.stage]: 'ingest',
    [DeadLetterHeaders.originalTopic]: 'adtrace.bid-requests.raw',
    [DeadLetterHeaders.originalPartition]: '3',
    [DeadLetterHeaders.originalOffset]: '42',
    [DeadLetterHeaders.originalTimestamp]: '1700000000000',
    [DeadLetterHeaders.originalTraceparent]: traceparent,
    [DeadLetterHeaders.deadLetteredAt]: '1700000000500',
  });
  expect([record.topic, record.kind, record.eventId]).toEqual(['adtrace.dead-letters', 'dead-letter', 'e1']);
});

test('a dead letter names the event its handler set, though its input carried none (a raw request)', () => {
  // Before, only the input's own event-id header went with it: ingest's dead letters named no event.
  const message = { key: null, value: Buffer.from('{}'), offset: '7', timestamp: '1700000000000', headers: {} };
  const verdict = classify(new RejectedError('UNKNOWN_CURRENCY', 'no rate'), 'handle');
  const source = { topic: 'raw', partition: 0, stage: 'ingest', deadLetterTopic: 'dlq.raw' };
  const record = deadLetterRecord(message as unknown as KafkaMessage, source, verdict, ROOT_CONTEXT, 'e2');
  expect(record.message.headers['adtrace.event-id']).toBe('e2');
});
