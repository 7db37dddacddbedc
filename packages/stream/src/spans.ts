import { CostAttributes, kafkaMessageBytes, type SizedMessage, SpanAttributes } from '@adtrace/telemetry/attributes';
import { leanTracer } from '@adtrace/telemetry/lean';
import { type Attributes, type Context, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { Verdict } from './classify.ts';
import type { SchemaIdentity } from './types.ts';

/**
 * Attribute names: the messaging semantic conventions plus the cost model's inputs. Only what a
 * query cannot derive goes on each span: the system (kafka), the consumer group and the client
 * are the same for every span of a process — `service.name` / `service.instance.id` and the
 * resource's `messaging.system` (the telemetry package) — so they are not repeated per span.
 * Record keys never go on spans: upstream may key raw records by a user id. A `process <topic>`
 * span does not repeat its name either: its destination and operation are the name's two words
 * (semconv's `{operation} {destination}`), which the warehouse's trace query spells out as
 * `messaging.operation.type` / `messaging.destination.name`.
 */
export const Attr = {
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationType: 'messaging.operation.type',
  offset: 'messaging.kafka.offset',
  /** Key + value + headers: the Kafka cost model's input (consumed on a process span, produced on a send span). */
  kafkaBytes: SpanAttributes.kafkaBytes,
  /** On a process span: key + value + headers of every record its message wrote (outputs, dead letter). */
  producedBytes: SpanAttributes.kafkaBytesProduced,
  /** On a process span: the topics its message wrote to, comma-separated, in order of first write. */
  producedTopics: 'adtrace.kafka.produced_topics',
  eventId: SpanAttributes.eventId,
  /** CPU micros, set by the runtime from its chunk phases (cpu-account.ts), priced by the telemetry. */
  cpuMicros: CostAttributes.cpuMicros,
  /** Schema lineage: the record's full name and its schema's fingerprint (hex). */
  schemaName: 'adtrace.schema.name',
  schemaFingerprint: 'adtrace.schema.fingerprint',
  dlqCode: 'adtrace.dlq.code',
  dlqReason: 'adtrace.dlq.reason',
  errorType: 'error.type',
} as const;

/** The lineage attributes of a record's schema, when the spec names one. */
export function schemaAttributes(schema: SchemaIdentity | undefined): Attributes {
  if (!schema) return {};
  return { [Attr.schemaName]: schema.recordName, [Attr.schemaFingerprint]: schema.fingerprint.toString('hex') };
}

export interface ProcessSpanInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The consumed message, for its size. */
  readonly message: SizedMessage;
  readonly eventId: string | undefined;
  readonly schema?: SchemaIdentity;
}

/**
 * `process <topic>`: a CONSUMER span whose parent is the span read from this message's headers —
 * the upstream hop's process span (or a handler span inside it), or a producer's `send` span — or
 * from the record (`traceFrom`). Started with its CPU attribute present, so the telemetry's cost
 * processor knows the runtime measures it and reads no clock for it. The records its message
 * writes get no span: their bytes and topics are set on it at seal (outbox.ts).
 */
export function startProcessSpan(tracer: Tracer, input: ProcessSpanInput, parent: Context): Span {
  // One per message: the preloaded SDK's lean path when it is there (@adtrace/telemetry lean-span.ts),
  // which leaves a not-sampled parent's child unmade before its attributes are.
  const lean = leanTracer();
  const unsampled = lean?.unsampledChild(parent);
  if (unsampled) return unsampled;
  const name = processSpanName(input.topic);
  const attributes: Attributes = {
    [Attr.partition]: String(input.partition),
    [Attr.offset]: Number(input.offset),
    [Attr.kafkaBytes]: kafkaMessageBytes(input.message),
    [Attr.cpuMicros]: 0,
    ...schemaAttributes(input.schema),
  };
  if (input.eventId) attributes[Attr.eventId] = input.eventId;
  if (lean) return lean.startSpan(TRACER_NAME, name, SpanKind.CONSUMER, attributes, parent);
  return tracer.startSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent);
}

/** The runtime's tracer (its instrumentation scope). */
export const TRACER_NAME = '@adtrace/stream';

const processSpanNames = new Map<string, string>();

/** `process <topic>`, made once per topic. */
function processSpanName(topic: string): string {
  let name = processSpanNames.get(topic);
  if (name === undefined) {
    name = `process ${topic}`;
    if (processSpanNames.size < 10_000) processSpanNames.set(topic, name);
  }
  return name;
}

/**
 * `send <topic>`: a PRODUCER span for an output no message owns (a window's or timer's), child of
 * the context it was emitted in (an `ads.aggregate.flush` span, or none: a root). Its size is set
 * once the message is final (after the traceparent is written).
 */
export function startSendSpan(
  tracer: Tracer,
  input: { readonly topic: string; readonly eventId: string | undefined; readonly schema?: SchemaIdentity },
  parent: Context,
): Span {
  const name = `send ${input.topic}`;
  const attributes: Attributes = {
    [Attr.destination]: input.topic,
    [Attr.operationType]: 'send',
    [Attr.cpuMicros]: 0,
    ...schemaAttributes(input.schema),
  };
  if (input.eventId) attributes[Attr.eventId] = input.eventId;
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

export function failSpan(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
