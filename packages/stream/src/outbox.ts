import { type Context, propagation, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { Message, TopicMessages } from 'kafkajs';
import { overwriteSetter } from './carrier.ts';
import type { Verdict } from './classify.ts';
import { Attr, endSpans, sizeAttributes, startSendSpan } from './spans.ts';

export interface OutRecord {
  readonly kind: 'output' | 'changelog' | 'dead-letter';
  readonly topic: string;
  readonly message: Message & { headers: NonNullable<Message['headers']> };
  /** The context the record was emitted in: its send span's parent. Changelog writes get no span. */
  readonly parent?: Context;
  readonly eventId?: string;
  readonly verdict?: Verdict;
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
  seal(tracer: Tracer, clientId: string): TopicMessages[] {
    if (this.sealed) return this.sealed;
    const byTopic = new Map<string, Message[]>();
    for (const r of this.records) {
      if (r.parent) {
        const name = r.kind === 'dead-letter' ? `dead-letter ${r.topic}` : `send ${r.topic}`;
        const input = { topic: r.topic, key: r.message.key, eventId: r.eventId, clientId };
        const span = startSendSpan(tracer, input, r.parent, name);
        if (r.verdict) {
          span.setAttributes({ [Attr.dlqCode]: r.verdict.code, [Attr.errorType]: r.verdict.errorClass });
          span.setStatus({ code: SpanStatusCode.ERROR, message: r.verdict.reason });
        }
        propagation.inject(trace.setSpan(r.parent, span), r.message.headers, overwriteSetter);
        span.setAttributes(sizeAttributes(r.message));
        this.spans.push(span);
      }
      const list = byTopic.get(r.topic) ?? [];
      byTopic.set(r.topic, list);
      list.push(r.message);
    }
    this.sealed = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    return this.sealed;
  }

  /** Ends the send spans: at the acknowledgement, or with the error that lost the chunk. */
  settle(error?: unknown): void {
    endSpans(this.spans, error);
    this.spans = [];
  }
}
