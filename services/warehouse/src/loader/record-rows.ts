import { type Alert, type AuctionOutcome, type Campaign, createCodec, type Impression } from '@adtrace/schemas';
import { RejectedError } from '@adtrace/stream';
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
  /** Added in AttributedEvent v2; absent from plain JSON that predates them. */
  readonly impressionId?: string;
  readonly touchEventId?: string | null;
  readonly touchTimeMs?: number | bigint | null;
  readonly originalCurrency?: string;
  readonly originalValueMicros?: number | bigint;
  readonly modelVersion?: string | null;
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
  /** Added in RoasWindow v2. */
  readonly generation?: number;
  readonly lateDropped?: number | bigint;
  readonly clickThroughConversions?: number | bigint;
  readonly viewThroughConversions?: number | bigint;
  readonly clickThroughRevenueMicros?: number | bigint;
  readonly viewThroughRevenueMicros?: number | bigint;
}

/** How the loader turns message values into records; tests and other encodings plug in here. */
export interface RecordDecoders {
  attributedEvent(value: Buffer): AttributedEventRecord;
  roasWindow(value: Buffer): RoasWindowRecord;
  impression(value: Buffer): Impression;
  auctionOutcome(value: Buffer): AuctionOutcome;
  alert(value: Buffer): Alert;
  campaign(value: Buffer): Campaign;
}

/**
 * A decoded record the tables cannot hold (a field missing or not a number, a NUL byte, which
 * PostgreSQL refuses) is refused here, so it is dead-lettered with the field named, rather than
 * failing the bulk load of its whole chunk.
 */
function refuse(what: string, field: string, value: unknown): never {
  throw new RejectedError('INVALID_RECORD', `${what}: ${field} is ${JSON.stringify(String(value))}`);
}
export const checker = (what: string) => ({
  str(v: unknown, field: string): string {
    return typeof v === 'string' && v !== '' && !v.includes('\u0000') ? v : refuse(what, field, v);
  },
  n(v: unknown, field: string, fallback?: number): number {
    const x =
      v === undefined || v === null ? fallback : typeof v === 'bigint' || typeof v === 'number' ? Number(v) : NaN;
    return x !== undefined && Number.isFinite(x) ? x : refuse(what, field, v);
  },
  optional(v: unknown, field: string): number | null {
    return v === undefined || v === null ? null : this.n(v, field);
  },
  /** A string that may be absent or empty (a record that predates it): null then. */
  optionalStr(v: unknown, field: string): string | null {
    return v === undefined || v === null || v === '' ? null : this.str(v, field);
  },
});

export function attributedEventRow(r: AttributedEventRecord, traceId: string | null): AttributedEventRow {
  const c = checker('attributed event');
  return {
    eventId: c.str(r.eventId, 'eventId'),
    kind: c.str(r.kind, 'kind').toLowerCase(),
    originalEventId: c.str(r.originalEventId, 'originalEventId'),
    campaignId: c.str(r.campaignId, 'campaignId'),
    adId: c.str(r.adId, 'adId'),
    touch: c.str(r.touch ?? 'NONE', 'touch').toLowerCase(),
    costMicros: c.n(r.costMicros, 'costMicros', 0),
    valueMicros: c.n(r.valueMicros, 'valueMicros', 0),
    pctr: c.n(r.pctr, 'pctr', 0),
    eventTimeMs: c.n(r.eventTimeMs, 'eventTimeMs'),
    attributedAtMs: c.n(r.attributedAtMs, 'attributedAtMs'),
    traceId,
    impressionId: c.optionalStr(r.impressionId, 'impressionId'),
    touchEventId: c.optionalStr(r.touchEventId, 'touchEventId'),
    touchTimeMs: c.optional(r.touchTimeMs, 'touchTimeMs'),
    originalCurrency: c.str(r.originalCurrency ?? 'USD', 'originalCurrency'),
    originalValueMicros: c.n(r.originalValueMicros, 'originalValueMicros', 0),
    modelVersion: c.optionalStr(r.modelVersion, 'modelVersion'),
  };
}

export function roasWindowRow(r: RoasWindowRecord): RoasWindowRow {
  const c = checker('ROAS window');
  return {
    campaignId: c.str(r.campaignId, 'campaignId'),
    windowStartMs: c.n(r.windowStartMs, 'windowStartMs'),
    windowEndMs: c.n(r.windowEndMs, 'windowEndMs'),
    impressions: c.n(r.impressions, 'impressions', 0),
    clicks: c.n(r.clicks, 'clicks', 0),
    conversions: c.n(r.conversions, 'conversions', 0),
    spendMicros: c.n(r.spendMicros, 'spendMicros', 0),
    revenueMicros: c.n(r.revenueMicros, 'revenueMicros', 0),
    roas: c.optional(r.roas, 'roas'),
    observedCtr: c.optional(r.observedCtr, 'observedCtr'),
    predictedCtr: c.optional(r.predictedCtr, 'predictedCtr'),
    revision: c.n(r.revision, 'revision', 0),
    complete: r.final ?? false,
    completeThroughMs: c.n(r.completeThroughMs, 'completeThroughMs', 0),
    emittedAtMs: c.n(r.emittedAtMs, 'emittedAtMs', 0),
    generation: c.n(r.generation, 'generation', 0),
    lateDropped: c.n(r.lateDropped, 'lateDropped', 0),
    clickThroughConversions: c.n(r.clickThroughConversions, 'clickThroughConversions', 0),
    viewThroughConversions: c.n(r.viewThroughConversions, 'viewThroughConversions', 0),
    clickThroughRevenueMicros: c.n(r.clickThroughRevenueMicros, 'clickThroughRevenueMicros', 0),
    viewThroughRevenueMicros: c.n(r.viewThroughRevenueMicros, 'viewThroughRevenueMicros', 0),
  };
}

/** The Avro codecs of @adtrace/schemas (single-object encoding; every schema version in history reads). */
export function schemaDecoders(): RecordDecoders {
  const attributed = createCodec('AttributedEvent');
  const roas = createCodec('RoasWindow');
  const impression = createCodec('Impression');
  const outcome = createCodec('AuctionOutcome');
  const alert = createCodec('Alert');
  const campaign = createCodec('Campaign');
  return {
    attributedEvent: (value) => attributed.decode(value),
    roasWindow: (value) => roas.decode(value),
    impression: (value) => impression.decode(value),
    auctionOutcome: (value) => outcome.decode(value),
    alert: (value) => alert.decode(value),
    campaign: (value) => campaign.decode(value),
  };
}
