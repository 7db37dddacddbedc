import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { leanTracer } from '@adtrace/telemetry/lean';
import { type Context, propagation, type Span, type Tracer, trace } from '@opentelemetry/api';
import { SizedOverwrite } from './carrier.ts';
import type { OutMessage, RecordHeaders, TopicMessages } from './kafka/port.ts';
import { Attr, failSpan, startSendSpan } from './spans.ts';
import type { SchemaIdentity } from './types.ts';

export interface OutRecord {
  readonly kind: 'output' | 'changelog' | 'dead-letter';
  readonly topic: string;
  readonly message: OutMessage & { headers: RecordHeaders };
  /**
   * The context the record was emitted in: its traceparent (a message's output or dead letter),
   * or its send span's parent (a window's or timer's output). Changelog writes carry none.
   */
  readonly parent?: Context;
  readonly eventId?: string;
  readonly schema?: SchemaIdentity;
}

/** What a message's process span is told of the records it wrote (set once, at seal). */
interface Produced {
  bytes: number;
  topics: string[];
}

/**
 * Everything one chunk writes — outputs, dead letters, changelog records — sent together in one
 * produce request (or one transaction), so the chunk's offsets are committed only when all of it
 * is acknowledged.
 *
 * Trace model (docs/design.md): a record a message wrote (its outputs, its dead letter, a late
 * record) gets no span of its own. Its traceparent is the context it was emitted in — the
 * message's process span, or a handler span inside it — so the next hop's process span is that
 * span's child; the bytes and topics it wrote go on the message's process span (its *owner*),
 * which also takes a share of the chunk's produce-and-commit CPU. Only records no message owns —
 * a window's or timer's outputs, emitted at the end of a chunk or on an idle tick — get a
 * `send <topic>` PRODUCER span, few per chunk, never one per message.
 */
export class Outbox {
  private readonly records: OutRecord[] = [];
  /** The process span each record belongs to, where a message wrote it (parallel to `records`). */
  private readonly owners: (Span | undefined)[] = [];
  /** Each record's kafkaMessageBytes as given to `add` (its size check's), if it was (parallel to `records`). */
  private readonly sizes: (number | undefined)[] = [];
  private spans: Span[] = [];
  private ownerSpans: Span[] = [];
  private sealed: TopicMessages[] | undefined;

  /**
   * `owner`: the process span of the message that wrote the record, if one did. `bytes`: the
   * record's kafkaMessageBytes as it is now, if the caller sized it already (its size check).
   */
  add(record: OutRecord, owner?: Span, bytes?: number): void {
    if (this.sealed) throw new Error('outbox already sealed');
    this.records.push(record);
    this.owners.push(owner);
    this.sizes.push(bytes);
  }

  count(kind: OutRecord['kind']): number {
    return this.records.reduce((n, r) => (r.kind === kind ? n + 1 : n), 0);
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Writes each traced record's traceparent into its headers (overwriting): the context it was
   * emitted in, or the send span of a record no message owns. Tells each owning process span
   * what its message produced (`adtrace.kafka.produced_bytes`, `adtrace.kafka.produced_topics`),
   * then groups the records by topic. Idempotent: retries resend the same messages with the same
   * trace context.
   */
  seal(tracer: Tracer): TopicMessages[] {
    if (this.sealed) return this.sealed;
    const byTopic = new Map<string, { messages: OutMessage[]; sizes: number[] }>();
    const produced = new Map<Span, Produced>();
    // Each record is sized once: at its size check (or here), plus what writing its traceparent changed.
    const setter = new SizedOverwrite();
    for (let i = 0; i < this.records.length; i++) {
      const r = this.records[i]!;
      const owner = this.owners[i];
      let bytes = this.sizes[i] ?? kafkaMessageBytes(r.message);
      if (owner) {
        if (r.parent) bytes += inject(r.parent, r.message.headers, setter);
        const sum = produced.get(owner) ?? { bytes: 0, topics: [] };
        produced.set(owner, sum);
        sum.bytes += bytes;
        if (!sum.topics.includes(r.topic)) sum.topics.push(r.topic);
      } else if (r.parent) bytes = this.startSendSpan(tracer, r, r.parent, bytes, setter);
      let list = byTopic.get(r.topic);
      if (!list) {
        list = { messages: [], sizes: [] };
        byTopic.set(r.topic, list);
      }
      list.messages.push(r.message);
      list.sizes.push(bytes);
    }
    for (const [span, sum] of produced) {
      span.setAttributes({ [Attr.producedBytes]: sum.bytes, [Attr.producedTopics]: sum.topics.join(',') });
    }
    this.ownerSpans = [...produced.keys()];
    this.sealed = [...byTopic].map(([topic, { messages, sizes }]) => ({ topic, messages, sizes }));
    return this.sealed;
  }

  /** Only a window's or timer's output gets here: dead letters always belong to a message. Its final size. */
  private startSendSpan(tracer: Tracer, r: OutRecord, parent: Context, bytes: number, setter: SizedOverwrite): number {
    const span = startSendSpan(tracer, { topic: r.topic, eventId: r.eventId, schema: r.schema }, parent);
    const sized = bytes + inject(trace.setSpan(parent, span), r.message.headers, setter);
    span.setAttribute(Attr.kafkaBytes, sized);
    this.spans.push(span);
    return sized;
  }

  /** How many send spans the chunk has (records no message owns): they share its deliver phase's CPU with its process spans. */
  get spanCount(): number {
    return this.spans.length;
  }

  /**
   * Ends the send spans at the acknowledgement (each charged `cpuMicros`, its even share of the
   * produce-and-commit phase), or with the error that lost the chunk; that error also marks the
   * process spans whose records were lost (the chunk ends them).
   */
  settle(error?: unknown, cpuMicros = 0): void {
    if (error !== undefined) for (const span of this.ownerSpans) failSpan(span, error);
    this.ownerSpans = [];
    for (const span of this.spans) {
      if (error !== undefined) failSpan(span, error);
      span.setAttribute(Attr.cpuMicros, cpuMicros);
      span.end();
    }
    this.spans = [];
  }
}

/**
 * A record's traceparent, overwriting (the lean path when the preloaded SDK has one): what it
 * changed the record's kafkaMessageBytes by.
 */
function inject(context: Context, headers: RecordHeaders, setter: SizedOverwrite): number {
  setter.grown = 0;
  const lean = leanTracer();
  if (lean) lean.inject(context, headers, setter);
  else propagation.inject(context, headers, setter);
  return setter.grown;
}
