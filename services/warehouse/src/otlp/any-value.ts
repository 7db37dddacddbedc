import { MalformedProtobuf, type Wire, WireType } from './wire.ts';

export type AttrValue = string | number | boolean | null | AttrValue[] | { [key: string]: AttrValue };

/** opentelemetry.proto.common.v1.AnyValue (up to `end`) → a JSON value (bytes as base64, big ints as strings). */
export function anyValue(w: Wire, end: number): AttrValue {
  let value: AttrValue = null;
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    const type = tag & 7;
    if (field === 1 && type === WireType.len) value = w.string();
    else if (field === 2 && type === WireType.varint) value = w.uint32() !== 0;
    else if (field === 3 && type === WireType.varint) value = w.int64();
    else if (field === 4 && type === WireType.fixed64) value = w.double();
    else if (field === 5 && type === WireType.len) value = arrayValue(w, w.enter());
    else if (field === 6 && type === WireType.len) value = keyValueList(w, w.enter());
    else if (field === 7 && type === WireType.len) {
      const [start, stop] = w.span();
      value = w.buf.toString('base64', start, stop);
    } else w.skip(type);
  }
  w.leave(end);
  return value;
}

function arrayValue(w: Wire, end: number): AttrValue[] {
  const out: AttrValue[] = [];
  while (w.pos < end) {
    const tag = w.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.len) out.push(anyValue(w, w.enter()));
    else w.skip(tag & 7);
  }
  w.leave(end);
  return out;
}

function keyValueList(w: Wire, end: number): { [key: string]: AttrValue } {
  const out: { [key: string]: AttrValue } = {};
  while (w.pos < end) {
    const tag = w.uint32();
    if (tag >>> 3 === 1 && (tag & 7) === WireType.len) keyValue(w, w.enter(), out);
    else w.skip(tag & 7);
  }
  w.leave(end);
  return out;
}

/** opentelemetry.proto.common.v1.KeyValue (up to `end`), added to `into`. */
export function keyValue(w: Wire, end: number, into: { [key: string]: AttrValue }): void {
  let key: string | undefined;
  let value: AttrValue = null;
  while (w.pos < end) {
    const tag = w.uint32();
    const field = tag >>> 3;
    if (field === 1 && (tag & 7) === WireType.len) key = w.repeated();
    else if (field === 2 && (tag & 7) === WireType.len) value = anyValue(w, w.enter());
    else w.skip(tag & 7);
  }
  w.leave(end);
  if (key === undefined) throw new MalformedProtobuf('attribute without a key');
  into[key] = value;
}
