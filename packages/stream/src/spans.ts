import { kafkaMessageBytes, type SizedMessage, SpanAttributes } from '@adtrace/telemetry/attributes';
import {
  type Attributes,
  type Context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Verdict } from './classify.ts';

/** Attribute names: the messaging semantic conventions plus the two the cost model reads. */
export const Attr = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  group: 'messaging.consumer.group.name',
  offset: 'messaging.kafka.offset',
  key: 'messaging.kafka.message.key',
  clientId: 'messaging.client.id',
  bodySize: 'messaging.message.body.size',
  /** Key + value + headers: the Kafka cost model's input, counted as for plain kafkajs spans. */
  kafkaBytes: SpanAttributes.kafkaBytes,
  eventId: SpanAttributes.eventId,
  dlqCode: 'adtrace.dlq.code',
  dlqReason: 'adtrace.dlq.reason',
  errorType: 'error.type',
} as const;

/** The size attributes of a message: its body (semantic conventions) and what the cost model prices. */
export function sizeAttributes(message: SizedMessage): Attributes {
  const body = message.value;
  return {
    [Attr.bodySize]: body == null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
    [Attr.kafkaBytes]: kafkaMessageBytes(message),
  };
}

export interface ProcessSpanInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | null;
  /** The consumed message, for its sizes. */
  readonly message: SizedMessage;
  readonly eventId: string | undefined;
  readonly group: string;
  readonly clientId: string;
}

/** `process <topic>`: a CONSUMER span whose parent is the producer span read from this message's headers. */
export function startProcessSpan(tracer: Tracer, input: ProcessSpanInput, parent: Context): Span {
  const attributes: Attributes = {
    [Attr.system]: 'kafka',
    [Attr.destination]: input.topic,
    [Attr.partition]: String(input.partition),
    [Attr.operationType]: 'process',
    [Attr.operationName]: 'process',
    [Attr.group]: input.group,
    [Attr.offset]: Number(input.offset),
    [Attr.clientId]: input.clientId,
    ...sizeAttributes(input.message),
  };
  // Keys are pseudonymous user keys (never raw ids), so they may appear on spans.
  if (input.key) attributes[Attr.key] = input.key.toString('utf8');
  if (input.eventId) attributes[Attr.eventId] = input.eventId;
  return tracer.startSpan(`process ${input.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
}

export interface SendSpanInput {
  readonly topic: string;
  readonly key: string | Buffer | null | undefined;
  readonly eventId: string | undefined;
  readonly clientId: string;
  readonly partition?: number;
}

/**
 * `send <topic>`: a PRODUCER span, child of the context the output was emitted in. Its sizes
 * are set once the message is final (`sizeAttributes`, after the traceparent is written).
 */
export function startSendSpan(
  tracer: Tracer,
  input: SendSpanInput,
  parent: Context,
  name = `send ${input.topic}`,
): Span {
  const attributes: Attributes = {
    [Attr.system]: 'kafka',
    [Attr.destination]: input.topic,
    [Attr.operationType]: 'send',
    [Attr.operationName]: 'send',
    [Attr.clientId]: input.clientId,
  };
  if (input.key !== undefined && input.key !== null) attributes[Attr.key] = input.key.toString();
  if (input.eventId) attributes[Attr.eventId] = input.eventId;
  if (input.partition !== undefined) attributes[Attr.partition] = String(input.partition);
  return tracer.startSpan(name, { kind: SpanKind.PRODUCER, attributes }, parent);
}

/** Marks the process span: the trace shows where and why the event left the pipeline. */
export function markDeadLettered(span: Span, verdict: Verdict): void {
  span.addEvent('adtrace.dead_letter', {
    [Attr.dlqCode]: verdict.code,
    [Attr.dlqReason]: verdict.reason,
    [Attr.errorType]: verdict.errorClass,
  });
  span.setAttribute(Attr.errorType, verdict.errorClass);
  span.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered: ${verdict.code}` });
}

export function endSpans(spans: readonly Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }
}

export function withSpan(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span);
}
