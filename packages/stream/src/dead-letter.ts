import type { Context } from '@opentelemetry/api';
import { findHeader } from './carrier.ts';
import type { Verdict } from './classify.ts';
import type { MessageParts } from './failure.ts';
import { DeadLetterHeaders, Headers } from './headers.ts';
import type { FetchedRecord, RecordHeaders } from './kafka/port.ts';
import type { OpenedMessage } from './open-message.ts';
import type { Outbox, OutRecord } from './outbox.ts';
import { markDeadLettered } from './spans.ts';

export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  /** The consumer group: the stage that gave up. */
  readonly stage: string;
  readonly deadLetterTopic: string;
}

/**
 * The original key, value and headers plus the DeadLetterHeaders, and the event id — the
 * input's, or the one its handler set before failing (ingest names a raw request's event before
 * anything can fail), so the letter names its event as the process span does. The record's own
 * `traceparent` is then overwritten with the context of the process span that parked it
 * (outbox.ts), so a replay continues the event's trace below the point where it was parked; the
 * original traceparent is kept in `adtrace.dlq.original-traceparent`.
 */
export function deadLetterRecord(
  message: FetchedRecord,
  source: DeadLetterSource,
  verdict: Verdict,
  parent: Context,
  eventId: string | undefined,
  now: number = Date.now(),
): OutRecord {
  const headers: RecordHeaders = { ...(message.headers ?? {}) };
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) headers[name] = value;
  };
  set(DeadLetterHeaders.reason, verdict.reason);
  set(DeadLetterHeaders.code, verdict.code);
  set(DeadLetterHeaders.errorClass, verdict.errorClass);
  set(DeadLetterHeaders.stage, source.stage);
  set(DeadLetterHeaders.originalTopic, source.topic);
  set(DeadLetterHeaders.originalPartition, String(source.partition));
  set(DeadLetterHeaders.originalOffset, message.offset);
  set(DeadLetterHeaders.originalTimestamp, message.timestamp);
  set(DeadLetterHeaders.originalTraceparent, findHeader(message.headers, Headers.traceparent));
  set(DeadLetterHeaders.deadLetteredAt, String(now));
  set(Headers.eventId, eventId);
  return {
    kind: 'dead-letter',
    topic: source.deadLetterTopic,
    message: { key: message.key, value: message.value, headers },
    parent,
    eventId,
  };
}

/**
 * Gives up on a message: marks its process span (the dead letter's code and reason) and adds its
 * dead letter to the chunk's outbox, owned by that span (its bytes and topic are the span's).
 */
export function parkMessage(
  parts: MessageParts,
  opened: OpenedMessage,
  message: FetchedRecord,
  verdict: Verdict,
  outbox: Outbox,
): void {
  markDeadLettered(opened.span, verdict);
  const { topic, partition } = opened.meta;
  const source = { topic, partition, stage: parts.name, deadLetterTopic: parts.config.deadLetterTopic };
  outbox.add(deadLetterRecord(message, source, verdict, opened.processCtx, opened.event.id), opened.span);
}
