/** What the warehouse stores, one interface per table. Ids are lower-case hex. */

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type StatusCodeName = 'unset' | 'ok' | 'error';

export interface SpanRow {
  /** 32 hex digits. */
  readonly traceId: string;
  /** 16 hex digits. */
  readonly spanId: string;
  /** 16 hex digits, or null at a trace's root (or where the parent is in another system). */
  readonly parentSpanId: string | null;
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKindName;
  /** Start, microseconds since the epoch (exact in a double until the year 2255). */
  readonly startUnixMicros: number;
  readonly durationMs: number;
  readonly statusCode: StatusCodeName;
  readonly statusMessage: string | null;
  /** `adtrace.event_id`, when the span has one. */
  readonly eventId: string | null;
  readonly computeUsd: number;
  readonly kafkaUsd: number;
  readonly queryUsd: number;
  /** `adtrace.cost.storage_usd`: writing rows into the warehouse (its load spans); absent = 0. */
  readonly storageUsd?: number;
  /** `adtrace.cost.usd`: the span's self cost. */
  readonly costUsd: number;
  /**
   * The span's own attributes as one JSON object, less what another column holds
   * (`adtrace.event_id`). What its process and tracer set once for all their spans is stored
   * once, in `span_resources` (`resourceId`); the trace query puts them back together.
   */
  readonly attributesJson: string;
  /** 16 hex digits: the row of `span_resources` holding its resource's and scope's attributes; null if none. */
  readonly resourceId?: string | null;
}

/**
 * What a process (its OTLP resource) and a tracer (its instrumentation scope) say once for all
 * their spans — service.version, service.instance.id, messaging.system, otel.scope.name, …; not
 * service.name (a column) nor telemetry.sdk.* — stored once instead of on every span's row.
 */
export interface SpanResourceRow {
  /** 16 hex digits, a hash of the service and the attributes: the same resource, the same id. */
  readonly resourceId: string;
  readonly service: string;
  readonly attributesJson: string;
}

export type AttributedEventKind = 'impression' | 'click' | 'conversion';

/** One record of `adtrace.attributed-events` (schemas/AttributedEvent.avsc), minus the user key. */
export interface AttributedEventRow {
  readonly eventId: string;
  /** impression, click or conversion (the record's `kind`, lower case). */
  readonly kind: string;
  /** The bid request's event id: the trace's event. */
  readonly originalEventId: string;
  readonly campaignId: string;
  readonly adId: string;
  /** For conversions: none, click or view. */
  readonly touch: string;
  /** Spend the event causes, micros of USD. */
  readonly costMicros: number;
  /** Conversion value, micros of USD. */
  readonly valueMicros: number;
  readonly pctr: number;
  readonly eventTimeMs: number;
  readonly attributedAtMs: number;
  /** From the message's traceparent header, when it has one. */
  readonly traceId: string | null;
  /** The impression the event belongs to or was attributed to (event id + imp id); null in records that predate it. */
  readonly impressionId: string | null;
  /** Conversions: the touch credited (click id, or impression id for a view) and its event time. */
  readonly touchEventId: string | null;
  readonly touchTimeMs: number | null;
  /** Conversions: the value as reported, before conversion to USD. */
  readonly originalCurrency: string;
  readonly originalValueMicros: number;
  /** pCTR model version that scored the impression; null when none ran or unknown. */
  readonly modelVersion: string | null;
}

export interface RoasWindowRow {
  readonly campaignId: string;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  readonly impressions: number;
  readonly clicks: number;
  readonly conversions: number;
  readonly spendMicros: number;
  readonly revenueMicros: number;
  /** revenue / spend, null when nothing was spent. */
  readonly roas: number | null;
  readonly observedCtr: number | null;
  readonly predictedCtr: number | null;
  /** Restatements raise it; a load keeps the highest per (generation, campaign, window). */
  readonly revision: number;
  /** Rebuild generation: `roas_windows` shows the current one; a rebuild takes over once caught up. */
  readonly generation: number;
  /** Events that came after the window's grace: not in the totals. */
  readonly lateDropped: number;
  readonly clickThroughConversions: number;
  readonly viewThroughConversions: number;
  readonly clickThroughRevenueMicros: number;
  readonly viewThroughRevenueMicros: number;
  /** The record's `final`: the watermark passed the window's end plus the allowed lateness. */
  readonly complete: boolean;
  /** Watermark when emitted: every event before it is counted. */
  readonly completeThroughMs: number;
  readonly emittedAtMs: number;
}

export interface DeadLetterRow {
  /** Where the dead letter itself sits in the dead-letters topic: with `deadLetteredAtMs` (0 when null), its identity. */
  readonly dlqPartition: number;
  readonly dlqOffset: string;
  readonly originalTopic: string | null;
  readonly originalPartition: number | null;
  readonly originalOffset: string | null;
  readonly originalTimestampMs: number | null;
  readonly deadLetteredAtMs: number | null;
  readonly reason: string | null;
  readonly code: string | null;
  readonly errorClass: string | null;
  readonly stage: string | null;
  readonly eventId: string | null;
  readonly traceparent: string | null;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Every header of the dead letter, values as UTF-8 strings. */
  readonly headersJson: string;
  /** Listed from raw_dead_letters: a raw topic's dead letter, redacted (key and ids gone, IPs truncated). */
  readonly raw?: boolean;
}
