import { type Context, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import type { KafkaMessage } from 'kafkajs';
import { bufferGetter, findHeader, traceIdOf } from './carrier.ts';
import { RejectedError } from './errors.ts';
import { withEventId } from './event-context.ts';
import type { MessageParts } from './failure.ts';
import { Headers } from './headers.ts';
import { startProcessSpan } from './spans.ts';
import type { RecordMeta } from './types.ts';

export interface OpenedMessage {
  readonly meta: RecordMeta;
  /** The `process <topic>` span; its parent is the producer span from this message's headers. */
  readonly span: Span;
  /** The process span's context, carrying the event id holder (event-context.ts). */
  readonly processCtx: Context;
  /** One object for every attempt: an event id set by a failed attempt still names the dead letter. */
  readonly event: { id: string | undefined };
}

/**
 * One message, one trace: starts the message's `process` span as a child of the producer span
 * read from **this message's** headers, extracted on ROOT_CONTEXT (never the suppressed batch
 * context), also when messages arrive in batches.
 */
export function openMessage(
  parts: Pick<MessageParts, 'name' | 'clientId' | 'tracer'>,
  topic: string,
  partition: number,
  message: KafkaMessage,
): OpenedMessage {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers, bufferGetter);
  const eventId = findHeader(message.headers, Headers.eventId);
  const { offset, key } = message;
  const spanInput = { topic, partition, offset, key, message, eventId, group: parts.name, clientId: parts.clientId };
  const span = startProcessSpan(parts.tracer, spanInput, parent);
  const event = { id: eventId };
  const processCtx = withEventId(trace.setSpan(parent, span), event);
  const headers = message.headers ?? {};
  const timestamp = Number(message.timestamp);
  const meta = { topic, partition, offset, key, headers, timestamp, eventId, traceId: traceIdOf(headers) };
  return { meta, span, processCtx, event };
}

/** How an input's bytes become a value: a hop's InputSpec, or a sink's input (which also sees the record). */
export interface Decoder<In> {
  readonly topic: string;
  decode(bytes: Buffer, record: RecordMeta): In;
  tombstone?(key: Buffer | null, record: RecordMeta): In;
}

export function decodeValue<In>(input: Decoder<In>, message: KafkaMessage, meta: RecordMeta): In {
  if (message.value !== null) return input.decode(message.value, meta);
  if (input.tombstone) return input.tombstone(message.key, meta);
  throw new RejectedError('TOMBSTONE', `null value on ${input.topic}, which does not accept tombstones`);
}
