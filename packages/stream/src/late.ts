import type { Context } from '@opentelemetry/api';
import type { FetchedRecord } from './kafka/port.ts';
import type { OutRecord } from './outbox.ts';
import type { Task } from './task.ts';
import type { RecordMeta } from './types.ts';

/** Headers of a record sent aside as too late for its window. */
export const LateHeaders = {
  /** The input it came from, and where. */
  originalTopic: 'adtrace.late.original-topic',
  originalPartition: 'adtrace.late.original-partition',
  originalOffset: 'adtrace.late.original-offset',
  /** The task's stream time when it arrived, ms. */
  streamTime: 'adtrace.late.stream-time',
} as const;

/**
 * A record too late for a window it belongs to (stream time past the window's end + grace):
 * never silently dropped — the input record as it was (key, value, headers, timestamp) goes to
 * the hop's late topic, with where it came from and the stream time it met.
 */
export function lateRecord(
  topic: string,
  message: FetchedRecord,
  meta: RecordMeta,
  parent: Context,
  eventId: string | undefined,
  task: Task,
): OutRecord {
  const headers = {
    ...(message.headers ?? {}),
    [LateHeaders.originalTopic]: meta.topic,
    [LateHeaders.originalPartition]: String(meta.partition),
    [LateHeaders.originalOffset]: meta.offset,
    [LateHeaders.streamTime]: String(task.event?.streamTime.current() ?? ''),
  };
  const record = { key: message.key, value: message.value, headers, timestamp: message.timestamp };
  return { kind: 'output', topic, message: record, parent, eventId };
}
