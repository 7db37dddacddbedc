import { createCodec } from '@adtrace/schemas';
import type { AttributedEventRow, RoasWindowRow } from '@adtrace/warehouse';

/**
 * The fields of schemas/AttributedEvent.avsc the warehouse keeps (the user key stays out):
 * structural, so the generated type fits and tests can feed plain JSON.
 */
export interface AttributedEventRecord {
  readonly eventId: string;
  readonly kind: string;
  readonly originalEventId: string;
  readonly campaignId: string;
  readonly adId: string;
  readonly touch?: string;
  readonly costMicros?: number | bigint;
  readonly valueMicros?: number | bigint;
  readonly pctr?: number;
  readonly eventTimeMs: number | bigint;
  readonly attributedAtMs: number | bigint;
}

/** The fields of schemas/RoasWindow.avsc. */
export interface RoasWindowRecord {
  readonly campaignId: string;
  readonly windowStartMs: number | bigint;
  readonly windowEndMs: number | bigint;
  readonly impressions: number | bigint;
  readonly clicks: number | bigint;
  readonly conversions: number | bigint;
  readonly spendMicros: number | bigint;
  readonly revenueMicros: number | bigint;
  readonly roas?: number | null;
  readonly observedCtr?: number | null;
  readonly predictedCtr?: number | null;
  readonly completeThroughMs: number | bigint;
  readonly final?: boolean;
  readonly revision?: number;
  readonly emittedAtMs: number | bigint;
}

/** How the loader turns message values into records; tests and other encodings plug in here. */
export interface RecordDecoders {
  attributedEvent(value: Buffer): AttributedEventRecord;
  roasWindow(value: Buffer): RoasWindowRecord;
}

const n = (v: number | bigint | undefined): number => (v === undefined ? 0 : Number(v));
const optional = (v: number | null | undefined): number | null => (v === undefined || v === null ? null : v);

export function attributedEventRow(r: AttributedEventRecord, traceId: string | null): AttributedEventRow {
  return {
    eventId: r.eventId,
    kind: String(r.kind).toLowerCase(),
    originalEventId: r.originalEventId,
    campaignId: r.campaignId,
    adId: r.adId,
    touch: String(r.touch ?? 'NONE').toLowerCase(),
    costMicros: n(r.costMicros),
    valueMicros: n(r.valueMicros),
    pctr: r.pctr ?? 0,
    eventTimeMs: n(r.eventTimeMs),
    attributedAtMs: n(r.attributedAtMs),
    traceId,
  };
}

export function roasWindowRow(r: RoasWindowRecord): RoasWindowRow {
  return {
    campaignId: r.campaignId,
    windowStartMs: n(r.windowStartMs),
    windowEndMs: n(r.windowEndMs),
    impressions: n(r.impressions),
    clicks: n(r.clicks),
    conversions: n(r.conversions),
    spendMicros: n(r.spendMicros),
    revenueMicros: n(r.revenueMicros),
    roas: optional(r.roas),
    observedCtr: optional(r.observedCtr),
    predictedCtr: optional(r.predictedCtr),
    revision: r.revision ?? 0,
    complete: r.final ?? false,
    completeThroughMs: n(r.completeThroughMs),
    emittedAtMs: n(r.emittedAtMs),
  };
}

/** The Avro codecs of @adtrace/schemas (single-object encoding; every schema version in history reads). */
export function schemaDecoders(): RecordDecoders {
  const attributed = createCodec('AttributedEvent');
  const roas = createCodec('RoasWindow');
  return {
    attributedEvent: (value) => attributed.decode(value),
    roasWindow: (value) => roas.decode(value),
  };
}
