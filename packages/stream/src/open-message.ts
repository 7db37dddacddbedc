import type { CpuMeter } from '@adtrace/telemetry/attributes';
import { leanTracer } from '@adtrace/telemetry/lean';
import { type Context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { bufferGetter, type FoundTraceparent, findHeader, findTraceparent, parseTraceparent } from './carrier.ts';
import { RejectedError } from './errors.ts';
import type { MessageParts } from './failure.ts';
import { Headers } from './headers.ts';
import type { FetchedRecord, RecordHeaders } from './kafka/port.ts';
import { ProcessContext } from './process-context.ts';
import { startProcessSpan } from './spans.ts';
import type { RecordMeta, SchemaIdentity } from './types.ts';

export interface OpenedMessage {
  readonly meta: RecordMeta;
  /** The `process <topic>` span; its parent is the producer span from this message's headers. */
  readonly span: Span;
  /** The process span's context, carrying the event id holder (event-context.ts) and the CPU meter. */
  readonly processCtx: Context;
  /** One object for every attempt: an event id set by a failed attempt still names the dead letter. */
  readonly event: { id: string | undefined };
  /** What the handler's own spans were charged (cpu-account.ts). */
  readonly meter: CpuMeter;
  /** performance.now() when the message's handling began. */
  readonly startedAt: number;
}

/**
 * Where a consumed record came from, without its value. `found`: its traceparent, if the caller
 * read it already (to hand the same to openMessage: one read and one parse per message).
 */
export function recordMeta(
  topic: string,
  partition: number,
  message: FetchedRecord,
  found: FoundTraceparent = findTraceparent(message.headers),
): RecordMeta {
  const headers = message.headers ?? {};
  const { offset, key } = message;
  const eventId = findHeader(headers, Headers.eventId);
  return {
    topic,
    partition,
    offset,
    key,
    headers,
    timestamp: Number(message.timestamp),
    eventId,
    traceId: found.traceId,
  };
}

/**
 * One message, one trace: starts the message's `process` span as a child of the producer span
 * read from **this message's** headers — or from a traceparent the record carries inside it
 * (`traceFrom`: a click's token) — extracted on ROOT_CONTEXT (never the suppressed batch
 * context), also when messages arrive in batches.
 */
export function openMessage(
  parts: Pick<MessageParts, 'tracer'>,
  meta: RecordMeta,
  message: FetchedRecord,
  options: {
    readonly traceparent?: string;
    /** The record's own traceparent header as recordMeta read it (read again when absent). */
    readonly found?: FoundTraceparent;
    readonly cpuRate?: number;
    readonly schema?: SchemaIdentity;
  } = {},
): OpenedMessage {
  const inRecord = options.traceparent ? parseTraceparent(options.traceparent) : undefined;
  const fromRecord = inRecord?.traceId;
  const parent = fromRecord
    ? extractParent({ traceparent: options.traceparent }, inRecord)
    : extractParent(meta.headers, options.found);
  const { topic, partition, offset, eventId } = meta;
  const span = startProcessSpan(
    parts.tracer,
    { topic, partition, offset, message, eventId, schema: options.schema },
    parent,
  );
  const event = { id: eventId };
  const meter: CpuMeter = { rate: options.cpuRate ?? 1, chargedUs: 0 };
  const processCtx = new ProcessContext(parent, span, event, meter);
  const traced = fromRecord ? { ...meta, traceId: fromRecord } : meta;
  return { meta: traced, span, processCtx, event, meter, startedAt: performance.now() };
}

/**
 * A message opened without a process span of its own (a sink created with `recordSpans: false`):
 * its `span` is non-recording and stands for the producer span in its headers, so what it causes
 * — a dead letter — still lands in the record's own trace, right below that span, while the
 * record itself costs no span to make, export and store.
 */
export function openUntracedMessage(meta: RecordMeta, found?: FoundTraceparent): OpenedMessage {
  const parent = extractParent(meta.headers, found);
  const span = trace.wrapSpanContext(trace.getSpanContext(parent) ?? INVALID_SPAN_CONTEXT);
  const event = { id: meta.eventId };
  const meter: CpuMeter = { rate: 1, chargedUs: 0 };
  const processCtx = new ProcessContext(parent, span, event, meter);
  return { meta, span, processCtx, event, meter, startedAt: performance.now() };
}

/**
 * The producer span in a record's headers, on ROOT_CONTEXT (the lean path when the preloaded SDK
 * has one, from the traceparent already `found` in them if it was).
 */
function extractParent(carrier: RecordHeaders | undefined, found?: FoundTraceparent): Context {
  const lean = leanTracer();
  if (!lean) return propagation.extract(ROOT_CONTEXT, carrier, bufferGetter);
  return found ? lean.extractFound(carrier, bufferGetter, found.value, found.ids) : lean.extract(carrier, bufferGetter);
}

/** How an input's bytes become a value: a hop's InputSpec, or a sink's input (which also sees the record). */
export interface Decoder<In> {
  readonly topic: string;
  decode(bytes: Buffer, record: RecordMeta): In;
  tombstone?(key: Buffer | null, record: RecordMeta): In;
}

export function decodeValue<In>(input: Decoder<In>, message: FetchedRecord, meta: RecordMeta): In {
  if (message.value !== null) return input.decode(message.value, meta);
  if (input.tombstone) return input.tombstone(message.key, meta);
  throw new RejectedError('TOMBSTONE', `null value on ${input.topic}, which does not accept tombstones`);
}
