import { createHash } from 'node:crypto';
import { LIST_PRICES, type PriceTable } from '@adtrace/telemetry';
import type { SpanResourceRow, SpanRow } from '@adtrace/warehouse';
import { type AttrValue, keyValue } from './any-value.ts';
import { type Scope, span } from './decode-span.ts';
import { OtlpRejection } from './rejection.ts';
import { MalformedProtobuf, Wire, WireType } from './wire.ts';

/** A request's spans as rows, and the resources (with their scopes) they name, each once. */
export interface DecodedSpans {
  readonly rows: SpanRow[];
  readonly resources: SpanResourceRow[];
}

/**
 * ExportTraceServiceRequest bytes → span rows, validated: every span needs a 16-byte trace id
 * and an 8-byte span id (not all zero), a parent id is empty or 8 bytes. Any violation, or
 * more than `maxSpans` spans, rejects the whole request: nothing of it is written.
 * Field numbers: proto/opentelemetry/proto/{collector/trace,trace,common,resource}/v1.
 * Each row's cost columns are priced with `prices` (decode-span.ts).
 */
export function decodeExportRequest(bytes: Buffer, maxSpans: number, prices: PriceTable = LIST_PRICES): DecodedSpans {
  const out: DecodedSpans = { rows: [], resources: [] };
  try {
    const w = new Wire(bytes);
    while (!w.done) {
      const tag = w.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === WireType.len) resourceSpans(w, w.enter(), out, maxSpans, prices);
      else w.skip(tag & 7);
    }
  } catch (err) {
    if (err instanceof MalformedProtobuf)
      throw new OtlpRejection('INVALID_ARGUMENT', `malformed OTLP request: ${err.message}`);
    throw err;
  }
  return out;
}

function resourceSpans(w: Wire, end: number, out: DecodedSpans, maxSpans: number, prices: PriceTable): void {
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
  // service.name has its column; telemetry.sdk.* describes the exporter, not the work.
  const inherited: { [key: string]: AttrValue } = {};
  for (const key in attrs)
    if (key !== 'service.name' && !key.startsWith('telemetry.sdk.')) inherited[key] = attrs[key]!;
  for (const [start, stop] of scopes)
    scopeSpans(new Wire(w.buf, start, stop), service, inherited, prices, out, maxSpans);
}

function scopeSpans(
  w: Wire,
  service: string,
  inherited: { readonly [key: string]: AttrValue },
  prices: PriceTable,
  out: DecodedSpans,
  maxSpans: number,
): void {
  let scopeName: string | undefined;
  const scopeAttrs: { [key: string]: AttrValue } = {};
  const spans: [number, number][] = [];
  while (!w.done) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.len) {
      const sEnd = w.enter();
      while (w.pos < sEnd) {
        const t = w.uint32();
        if (t >>> 3 === 1 && (t & 7) === WireType.len) scopeName = w.string();
        else if (t >>> 3 === 3 && (t & 7) === WireType.len) keyValue(w, w.enter(), scopeAttrs);
        else w.skip(t & 7);
      }
      w.leave(sEnd);
    } else if (field === 2 && (tag & 7) === WireType.len) spans.push(w.span());
    else w.skip(tag & 7);
  }
  if (spans.length === 0) return;
  const resource = resourceRow(service, {
    ...inherited,
    ...scopeAttrs,
    ...(scopeName && { 'otel.scope.name': scopeName }),
  });
  if (resource && !out.resources.some((r) => r.resourceId === resource.resourceId)) out.resources.push(resource);
  const scope: Scope = { service, resourceId: resource?.resourceId ?? null, prices };
  const { rows } = out;
  for (const [start, stop] of spans) {
    if (rows.length >= maxSpans) {
      throw new OtlpRejection('RESOURCE_EXHAUSTED', `more than ${maxSpans} spans in one request: send smaller batches`);
    }
    w.pos = start;
    rows.push(span(w, stop, scope, rows.length));
  }
}

/** Ids of the resources seen lately: every export of a process repeats its resource, so hash it once. */
const resourceIds = new Map<string, string>();

/**
 * The resource's row, or none when it says nothing beyond service.name. Its id is a hash of the
 * service and the attributes (as they came, in order): the same resource gets the same id in
 * every request and every warehouse process, so loading it again changes nothing.
 */
function resourceRow(service: string, attributes: { readonly [key: string]: AttrValue }): SpanResourceRow | undefined {
  const attributesJson = JSON.stringify(attributes);
  if (attributesJson === '{}') return undefined;
  const key = `${service}\n${attributesJson}`;
  let resourceId = resourceIds.get(key);
  if (resourceId === undefined) {
    // Not a cache of everything ever seen: a sender whose resource changes every time would grow it without end.
    if (resourceIds.size >= 1_000) resourceIds.clear();
    resourceId = createHash('sha256').update(key).digest('hex').slice(0, 16);
    resourceIds.set(key, resourceId);
  }
  return { resourceId, service, attributesJson };
}
