import type { SpanKindName, SpanRow, StatusCodeName } from '@adtrace/warehouse';
import { type AttrValue, keyValue } from './any-value.ts';
import { MalformedProtobuf, nanosToMicros, Wire, WireType } from './wire.ts';

/** A request the receiver refuses as a whole; `code` is the gRPC status to answer with. */
export class OtlpRejection extends Error {
  override readonly name = 'OtlpRejection';
  readonly code: 'INVALID_ARGUMENT' | 'RESOURCE_EXHAUSTED';
  constructor(code: 'INVALID_ARGUMENT' | 'RESOURCE_EXHAUSTED', message: string) {
    super(message);
    this.code = code;
  }
}

const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly StatusCodeName[] = ['unset', 'ok', 'error'];
const num = (v: AttrValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

interface Scope {
  readonly service: string;
  readonly version: AttrValue | undefined;
  readonly scopeName: string | undefined;
}

/**
 * ExportTraceServiceRequest bytes → span rows, validated: every span needs a 16-byte trace id
 * and an 8-byte span id (not all zero), a parent id is empty or 8 bytes. Any violation, or
 * more than `maxSpans` spans, rejects the whole request: nothing of it is written.
 * Field numbers: proto/opentelemetry/proto/{collector/trace,trace,common,resource}/v1.
 */
export function decodeExportRequest(bytes: Buffer, maxSpans: number): SpanRow[] {
  const rows: SpanRow[] = [];
  try {
    const w = new Wire(bytes);
    while (!w.done) {
      const tag = w.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === WireType.len) resourceSpans(w, w.enter(), rows, maxSpans);
      else w.skip(tag & 7);
    }
  } catch (err) {
    if (err instanceof MalformedProtobuf)
      throw new OtlpRejection('INVALID_ARGUMENT', `malformed OTLP request: ${err.message}`);
    throw err;
  }
  return rows;
}

function resourceSpans(w: Wire, end: number, rows: SpanRow[], maxSpans: number): void {
  const attrs: { [key: string]: AttrValue } = {};
  const scopes: [number, number][] = [];
  // The resource may come after its spans on the wire: read it first, then the spans.
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.len) {
      const rEnd = w.enter();
      while (w.pos < rEnd) {
        const t = w.uint32();
        if (t >>> 3 === 1 && (t & 7) === WireType.len) keyValue(w, w.enter(), attrs);
        else w.skip(t & 7);
      }
      w.leave(rEnd);
    } else if (field === 2 && (tag & 7) === WireType.len) scopes.push(w.span());
    else w.skip(tag & 7);
  }
  w.leave(end);
  const name = attrs['service.name'];
  const service = typeof name === 'string' && name !== '' ? name : 'unknown_service';
  for (const [start, stop] of scopes) {
    scopeSpans(
      new Wire(w.buf, start, stop),
      { service, version: attrs['service.version'], scopeName: undefined },
      rows,
      maxSpans,
    );
  }
}

function scopeSpans(w: Wire, resource: Scope, rows: SpanRow[], maxSpans: number): void {
  let scopeName: string | undefined;
  const spans: [number, number][] = [];
  while (!w.done) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.len) {
      const sEnd = w.enter();
      while (w.pos < sEnd) {
        const t = w.uint32();
        if (t >>> 3 === 1 && (t & 7) === WireType.len) scopeName = w.string();
        else w.skip(t & 7);
      }
      w.leave(sEnd);
    } else if (field === 2 && (tag & 7) === WireType.len) spans.push(w.span());
    else w.skip(tag & 7);
  }
  const scope = { ...resource, scopeName };
  for (const [start, stop] of spans) {
    if (rows.length >= maxSpans) {
      throw new OtlpRejection('RESOURCE_EXHAUSTED', `more than ${maxSpans} spans in one request: send smaller batches`);
    }
    w.pos = start;
    rows.push(span(w, stop, scope, rows.length));
  }
}

function id(w: Wire, bytes: number, what: string, index: number): string {
  const [start, end] = w.span();
  if (end - start !== bytes) {
    throw new OtlpRejection('INVALID_ARGUMENT', `span ${index}: ${what} must be ${bytes} bytes, got ${end - start}`);
  }
  if (w.zeros(start, end)) throw new OtlpRejection('INVALID_ARGUMENT', `span ${index}: ${what} is all zeros (invalid)`);
  return w.buf.toString('hex', start, end);
}

function span(w: Wire, end: number, scope: Scope, index: number): SpanRow {
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
    } else if (field === 5 && type === WireType.len) name = w.string();
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
  if (scope.version !== undefined) attrs['service.version'] = scope.version;
  if (scope.scopeName) attrs['otel.scope.name'] = scope.scopeName;
  if (events.length > 0) attrs['otel.events'] = events;
  if (links.length > 0) attrs['otel.links'] = links;
  const eventId = attrs['adtrace.event_id'];
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
    eventId: typeof eventId === 'string' && eventId !== '' ? eventId : null,
    computeUsd: num(attrs['adtrace.cost.compute_usd']),
    kafkaUsd: num(attrs['adtrace.cost.kafka_usd']),
    queryUsd: num(attrs['adtrace.cost.query_usd']),
    costUsd: num(attrs['adtrace.cost.usd']),
    attributesJson: JSON.stringify(attrs),
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
