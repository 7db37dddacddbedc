import { type PriceTable, priceUsage } from '@adtrace/telemetry';
import type { SpanKindName, SpanRow, StatusCodeName } from '@adtrace/warehouse';
import { type AttrValue, keyValue } from './any-value.ts';
import { OtlpRejection } from './rejection.ts';
import { nanosToMicros, type Wire, WireType } from './wire.ts';

const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];
const num = (v: AttrValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

export interface Scope {
  readonly service: string;
  /**
   * The `span_resources` row of the resource and instrumentation scope the span came in: what
   * a process (or a tracer) sets once for all its spans (service.version, service.instance.id,
   * messaging.system, otel.scope.name, …), stored once, not on each row (decode-spans.ts).
   */
  readonly resourceId: string | null;
  /** The warehouse's price table: spans are priced here, as they are loaded (below). */
  readonly prices: PriceTable;
}

/** A measured amount: a number, or an int64 too big for one (sent as a string). */
const amount = (v: AttrValue | undefined): number => (typeof v === 'string' ? Number(v) : num(v));

type Costs = Pick<SpanRow, 'computeUsd' | 'kafkaUsd' | 'queryUsd' | 'costUsd'> & { storageUsd?: number };

/**
 * A span's cost columns. Our services send what they measured — `adtrace.cost.cpu_us` (self),
 * `adtrace.kafka.bytes` (produced on PRODUCER spans, consumed otherwise),
 * `adtrace.kafka.produced_bytes` (what a stream runtime's `process` span's message wrote),
 * `adtrace.query.bytes_scanned`, and on the warehouse's own load spans `adtrace.storage.bytes_written`
 * — and no prices (four attributes fewer per span, per message):
 * the warehouse prices them with its table as it loads them. A span that arrives priced
 * (`adtrace.cost.usd`, from an older exporter) keeps its own figures.
 */
function costs(
  attrs: { readonly [key: string]: AttrValue },
  kind: SpanKindName | undefined,
  prices: PriceTable,
): Costs {
  if (typeof attrs['adtrace.cost.usd'] === 'number') {
    return {
      computeUsd: num(attrs['adtrace.cost.compute_usd']),
      kafkaUsd: num(attrs['adtrace.cost.kafka_usd']),
      queryUsd: num(attrs['adtrace.cost.query_usd']),
      costUsd: num(attrs['adtrace.cost.usd']),
      ...(attrs['adtrace.cost.storage_usd'] !== undefined && { storageUsd: num(attrs['adtrace.cost.storage_usd']) }),
    };
  }
  const stored = attrs['adtrace.storage.bytes_written'];
  const bytes = amount(attrs['adtrace.kafka.bytes']);
  const produced = kind === 'producer';
  const cost = priceUsage(
    {
      cpuMicros: amount(attrs['adtrace.cost.cpu_us']),
      kafkaBytesIn: (produced ? bytes : 0) + amount(attrs['adtrace.kafka.produced_bytes']),
      kafkaBytesOut: produced ? 0 : bytes,
      queryBytesScanned: amount(attrs['adtrace.query.bytes_scanned']),
      storageBytesWritten: amount(stored),
    },
    prices,
  );
  return {
    computeUsd: cost.computeUsd,
    kafkaUsd: cost.kafkaUsd,
    queryUsd: cost.queryUsd,
    costUsd: cost.totalUsd,
    // Only the warehouse's load spans write storage; other spans leave the field out.
    ...(stored !== undefined && { storageUsd: cost.storageUsd }),
  };
}

function id(w: Wire, bytes: number, what: string, index: number): string {
  const [start, end] = w.span();
  if (end - start !== bytes) {
    throw new OtlpRejection('INVALID_ARGUMENT', `span ${index}: ${what} must be ${bytes} bytes, got ${end - start}`);
  }
  if (w.zeros(start, end)) throw new OtlpRejection('INVALID_ARGUMENT', `span ${index}: ${what} is all zeros (invalid)`);
  return w.buf.toString('hex', start, end);
}

/** One opentelemetry.proto.trace.v1.Span (up to `end`) → a row; `index` names it in errors. */
export function span(w: Wire, end: number, scope: Scope, index: number): SpanRow {
  let traceId: string | undefined;
  let spanId: string | undefined;
  let parentSpanId: string | null = null;
  let name = '';
  let kind = 0;
  let start: [number, number] = [0, 0];
  let stop: [number, number] = [0, 0];
  const attrs: { [key: string]: AttrValue } = {};
  const events: AttrValue[] = [];
  const links: AttrValue[] = [];
  let status = 0;
  let statusMessage: string | null = null;
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    if (field === 1 && type === WireType.len) traceId = id(w, 16, 'trace_id', index);
    else if (field === 2 && type === WireType.len) spanId = id(w, 8, 'span_id', index);
    else if (field === 4 && type === WireType.len) {
      const [s, e] = w.span();
      if (e - s === 8 && !w.zeros(s, e)) parentSpanId = w.buf.toString('hex', s, e);
      else if (e - s !== 0 && e - s !== 8) {
        throw new OtlpRejection(
          'INVALID_ARGUMENT',
          `span ${index}: parent_span_id must be empty or 8 bytes, got ${e - s}`,
        );
      }
    } else if (field === 5 && type === WireType.len) name = w.repeated();
    else if (field === 6 && type === WireType.varint) kind = w.uint32();
    else if (field === 7 && type === WireType.fixed64) start = w.fixed64();
    else if (field === 8 && type === WireType.fixed64) stop = w.fixed64();
    else if (field === 9 && type === WireType.len) keyValue(w, w.enter(), attrs);
    else if (field === 11 && type === WireType.len) events.push(event(w, w.enter()));
    else if (field === 13 && type === WireType.len) links.push(link(w, w.enter()));
    else if (field === 15 && type === WireType.len) {
      const sEnd = w.enter();
      while (w.pos < sEnd) {
        const t = w.uint32();
        if (t >>> 3 === 2 && (t & 7) === WireType.len) statusMessage = w.string() || null;
        else if (t >>> 3 === 3 && (t & 7) === WireType.varint) status = w.uint32();
        else w.skip(t & 7);
      }
      w.leave(sEnd);
    } else w.skip(type);
  }
  w.leave(end);
  if (traceId === undefined)
    throw new OtlpRejection('INVALID_ARGUMENT', `span ${index} ("${name}"): trace_id is missing`);
  if (spanId === undefined)
    throw new OtlpRejection('INVALID_ARGUMENT', `span ${index} ("${name}"): span_id is missing`);
  const [startUs, startRest] = nanosToMicros(start);
  const [endUs, endRest] = nanosToMicros(stop);
  const durationMs = Math.max(0, ((endUs - startUs) * 1000 + (endRest - startRest)) / 1e6);
  const eventId = attrs['adtrace.event_id'];
  const costColumns = costs(attrs, KINDS[kind], scope.prices);
  // The row keeps what cannot be derived: the event id is its column, the resource its row, and
  // what a messaging span's name says the trace query reads from the name (@adtrace/warehouse).
  const hasEventId = typeof eventId === 'string' && eventId !== '';
  // Set to undefined, not deleted: JSON.stringify leaves it out the same, and a delete would
  // turn the object into a slow dictionary (~0.5 µs more a span to decode and stringify).
  if (hasEventId) attrs['adtrace.event_id'] = undefined as unknown as AttrValue;
  if (events.length > 0) attrs['otel.events'] = events;
  if (links.length > 0) attrs['otel.links'] = links;
  return {
    traceId,
    spanId,
    parentSpanId,
    service: scope.service,
    name,
    kind: KINDS[kind] ?? 'internal',
    startUnixMicros: startUs,
    durationMs,
    statusCode: STATUSES[status] ?? 'unset',
    statusMessage,
    eventId: hasEventId ? eventId : null,
    ...costColumns,
    attributesJson: JSON.stringify(attrs),
    resourceId: scope.resourceId,
  };
}

function event(w: Wire, end: number): AttrValue {
  let name = '';
  let timeUnixMs = 0;
  const attributes: { [key: string]: AttrValue } = {};
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.fixed64) timeUnixMs = nanosToMicros(w.fixed64())[0] / 1000;
    else if (field === 2 && (tag & 7) === WireType.len) name = w.string();
    else if (field === 3 && (tag & 7) === WireType.len) keyValue(w, w.enter(), attributes);
    else w.skip(tag & 7);
  }
  w.leave(end);
  return { name, timeUnixMs, attributes };
}

function link(w: Wire, end: number): AttrValue {
  const out: { [key: string]: AttrValue } = {};
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if ((field === 1 || field === 2) && (tag & 7) === WireType.len) {
      const [s, e] = w.span();
      out[field === 1 ? 'traceId' : 'spanId'] = w.buf.toString('hex', s, e);
    } else w.skip(tag & 7);
  }
  w.leave(end);
  return out;
}
