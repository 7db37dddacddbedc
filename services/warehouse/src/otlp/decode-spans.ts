import { LIST_PRICES, type PriceTable } from '@adtrace/telemetry';
import type { SpanRow } from '@adtrace/warehouse';
import { type AttrValue, keyValue } from './any-value.ts';
import { type Scope, span } from './decode-span.ts';
import { OtlpRejection } from './rejection.ts';
import { MalformedProtobuf, Wire, WireType } from './wire.ts';

/**
 * ExportTraceServiceRequest bytes → span rows, validated: every span needs a 16-byte trace id
 * and an 8-byte span id (not all zero), a parent id is empty or 8 bytes. Any violation, or
 * more than `maxSpans` spans, rejects the whole request: nothing of it is written.
 * Field numbers: proto/opentelemetry/proto/{collector/trace,trace,common,resource}/v1.
 * Each row's cost columns are priced with `prices` (decode-span.ts).
 */
export function decodeExportRequest(bytes: Buffer, maxSpans: number, prices: PriceTable = LIST_PRICES): SpanRow[] {
  const rows: SpanRow[] = [];
  try {
    const w = new Wire(bytes);
    while (!w.done) {
      const tag = w.uint32();
      if (tag >>> 3 === 1 && (tag & 7) === WireType.len) resourceSpans(w, w.enter(), rows, maxSpans, prices);
      else w.skip(tag & 7);
    }
  } catch (err) {
    if (err instanceof MalformedProtobuf)
      throw new OtlpRejection('INVALID_ARGUMENT', `malformed OTLP request: ${err.message}`);
    throw err;
  }
  return rows;
}

function resourceSpans(w: Wire, end: number, rows: SpanRow[], maxSpans: number, prices: PriceTable): void {
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
  for (const [start, stop] of scopes) {
    scopeSpans(new Wire(w.buf, start, stop), { service, inherited, scopeName: undefined, prices }, rows, maxSpans);
  }
}

function scopeSpans(w: Wire, resource: Scope, rows: SpanRow[], maxSpans: number): void {
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
  const scope = { ...resource, inherited: { ...resource.inherited, ...scopeAttrs }, scopeName };
  for (const [start, stop] of spans) {
    if (rows.length >= maxSpans) {
      throw new OtlpRejection('RESOURCE_EXHAUSTED', `more than ${maxSpans} spans in one request: send smaller batches`);
    }
    w.pos = start;
    rows.push(span(w, stop, scope, rows.length));
  }
}
