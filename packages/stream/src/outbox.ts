import { kafkaMessageBytes } from '@adtrace/telemetry/attributes';
import { type Context, propagation, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { overwriteSetter } from './carrier.ts';
import type { Verdict } from './classify.ts';
import type { OutMessage, RecordHeaders, TopicMessages } from './kafka/port.ts';
import { Attr, failSpan, startSendSpan } from './spans.ts';
import type { SchemaIdentity } from './types.ts';

export interface OutRecord {
  readonly kind: 'output' | 'changelog' | 'dead-letter';
  readonly topic: string;
  readonly message: OutMessage & { headers: RecordHeaders };
  /** The context the record was emitted in: its send span's parent. Changelog writes get no span. */
  readonly parent?: Context;
  readonly eventId?: string;
  readonly verdict?: Verdict;
  readonly schema?: SchemaIdentity;
}

/**
 * Everything one chunk writes — outputs, dead letters, changelog records — sent together in one
 * produce request (or one transaction), so the chunk's offsets are committed only when all of it
 * is acknowledged.
 */
export class Outbox {
  private readonly records: OutRecord[] = [];
  private spans: Span[] = [];
  private sealed: TopicMessages[] | undefined;

  add(record: OutRecord): void {
    if (this.sealed) throw new Error('outbox already sealed');
    this.records.push(record);
  }

  count(kind: OutRecord['kind']): number {
    return this.records.reduce((n, r) => (r.kind === kind ? n + 1 : n), 0);
  }

  get size(): number {
    return this.records.length;
  }

  /**
   * Starts one send span per record and writes its traceparent into the record's headers
   * (overwriting), then groups the records by topic. Idempotent: retries resend the same
   * messages with the same trace context.
   */
  seal(tracer: Tracer): TopicMessages[] {
    if (this.sealed) return this.sealed;
    const byTopic = new Map<string, OutMessage[]>();
    for (const r of this.records) {
      if (r.parent) {
        const name = r.kind === 'dead-letter' ? `dead-letter ${r.topic}` : `send ${r.topic}`;
        const span = startSendSpan(tracer, { topic: r.topic, eventId: r.eventId, schema: r.schema }, r.parent, name);
        if (r.verdict) {
          span.setAttributes({ [Attr.dlqCode]: r.verdict.code, [Attr.errorType]: r.verdict.errorClass });
          span.setStatus({ code: SpanStatusCode.ERROR, message: r.verdict.reason });
        }
        propagation.inject(trace.setSpan(r.parent, span), r.message.headers, overwriteSetter);
        span.setAttribute(Attr.kafkaBytes, kafkaMessageBytes(r.message));
        this.spans.push(span);
      }
      const list = byTopic.get(r.topic) ?? [];
      byTopic.set(r.topic, list);
      list.push(r.message);
    }
    this.sealed = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    return this.sealed;
  }

  /** How many send spans the chunk has: they share its deliver phase's CPU. */
  get spanCount(): number {
    return this.spans.length;
  }

  /**
   * Ends the send spans at the acknowledgement (each charged `cpuMicros`, its even share of the
   * produce-and-commit phase), or with the error that lost the chunk.
   */
  settle(error?: unknown, cpuMicros = 0): void {
    for (const span of this.spans) {
      if (error !== undefined) failSpan(span, error);
      span.setAttribute(Attr.cpuMicros, cpuMicros);
      span.end();
    }
    this.spans = [];
  }
}
