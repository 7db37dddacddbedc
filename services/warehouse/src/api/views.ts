import { type DeadLetterRow, REQUEST_ID_ATTRIBUTE, type StageReport, type TraceSpan } from '@adtrace/warehouse';

/** The span shape of `GET /api/traces/:id` and of `adtrace trace --json`. */
export interface SpanView {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly service: string;
  readonly name: string;
  readonly kind: string;
  /** Offset from the trace's first span start, ms. */
  readonly startMs: number;
  readonly startTimeUnixMs: number;
  readonly durationMs: number;
  /** Self cost (adtrace.cost.usd). */
  readonly costUsd: number;
  readonly computeUsd: number;
  readonly kafkaUsd: number;
  readonly queryUsd: number;
  readonly statusCode: string;
  readonly statusMessage: string | null;
  readonly eventId: string | null;
  readonly attributes: Record<string, unknown>;
}

/** What the caller gave and what it turned out to be. */
export interface TraceLookup {
  readonly by: 'traceId' | 'eventId' | 'requestId';
  readonly id: string;
}

export interface TraceView {
  readonly traceId: string;
  readonly eventId: string | null;
  /** The upstream's OpenRTB request id (ingest's `openrtb.request_id`), when a span carries it. */
  readonly requestId: string | null;
  /** How the id asked for was resolved: as a trace id, an event id or a request id. */
  readonly foundBy: TraceLookup['by'];
  /**
   * Other traces that carry the same event id (e.g. a late click that could not join) or the same
   * request id (two exchanges may use one id), later ones.
   */
  readonly otherTraceIds: readonly string[];
  readonly spans: readonly SpanView[];
}

export function traceView(
  spans: readonly TraceSpan[],
  lookup: TraceLookup,
  otherTraceIds: readonly string[],
): TraceView {
  const t0 = Math.min(...spans.map((s) => s.startUnixMicros));
  const requestId = spans.map((s) => s.attributes[REQUEST_ID_ATTRIBUTE]).find((v) => typeof v === 'string');
  return {
    traceId: spans[0]!.traceId,
    eventId: lookup.by === 'eventId' ? lookup.id : (spans.find((s) => s.eventId !== null)?.eventId ?? null),
    requestId: lookup.by === 'requestId' ? lookup.id : (requestId ?? null),
    foundBy: lookup.by,
    otherTraceIds,
    spans: spans.map((s) => ({
      traceId: s.traceId,
      spanId: s.spanId,
      parentSpanId: s.parentSpanId,
      service: s.service,
      name: s.name,
      kind: s.kind,
      startMs: (s.startUnixMicros - t0) / 1000,
      startTimeUnixMs: s.startUnixMicros / 1000,
      durationMs: s.durationMs,
      costUsd: s.costUsd,
      computeUsd: s.computeUsd,
      kafkaUsd: s.kafkaUsd,
      queryUsd: s.queryUsd,
      statusCode: s.statusCode,
      statusMessage: s.statusMessage,
      eventId: s.eventId,
      attributes: s.attributes,
    })),
  };
}

/** Adds the per-1,000-events figures the CLI prints. */
export function costView(report: StageReport) {
  return {
    ...report,
    costPer1000EventsUsd: report.costPerEventUsd * 1000,
    stages: report.stages.map((s) => ({ ...s, costPer1000EventsUsd: s.costPerEventUsd * 1000 })),
  };
}

const preview = (b: Buffer | null): string | null =>
  b === null
    ? null
    : b
        .subarray(0, 160)
        .toString('utf8')
        .replace(/[^\x20-\x7e]/g, '·');

export function deadLetterView(d: DeadLetterRow) {
  const traceId = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(d.traceparent ?? '')?.[1] ?? null;
  return {
    reason: d.reason,
    code: d.code,
    errorClass: d.errorClass,
    stage: d.stage,
    originalTopic: d.originalTopic,
    originalPartition: d.originalPartition,
    originalOffset: d.originalOffset,
    originalTimestampMs: d.originalTimestampMs,
    deadLetteredAtMs: d.deadLetteredAtMs,
    eventId: d.eventId,
    traceparent: d.traceparent,
    traceId,
    dlqPartition: d.dlqPartition,
    dlqOffset: d.dlqOffset,
    keyBase64: d.key?.toString('base64') ?? null,
    valueBase64: d.value?.toString('base64') ?? null,
    valueBytes: d.value?.length ?? 0,
    valuePreview: preview(d.value),
    headers: JSON.parse(d.headersJson) as Record<string, string>,
    /** A raw topic's dead letter: its value here is the redacted copy, its key not kept. */
    raw: d.raw === true,
  };
}
