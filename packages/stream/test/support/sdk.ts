import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** What tests read of a finished span, also as written by the child's file exporter. */
export interface SpanRecord {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly scope: string;
  readonly status: number;
  readonly attributes: Record<string, unknown>;
  readonly events: readonly string[];
  /** The span ids this span links to. */
  readonly links: readonly string[];
  /** Start and end, milliseconds since the epoch. */
  readonly startMs: number;
  readonly endMs: number;
}

const ms = ([s, ns]: readonly [number, number]): number => s * 1e3 + ns / 1e6;

export function toRecord(span: ReadableSpan): SpanRecord {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    scope: span.instrumentationScope?.name ?? '',
    status: span.status?.code ?? 0,
    attributes: { ...span.attributes },
    events: (span.events ?? []).map((e) => e.name),
    links: (span.links ?? []).map((l) => l.context.spanId),
    startMs: ms(span.startTime),
    endMs: ms(span.endTime),
  };
}
