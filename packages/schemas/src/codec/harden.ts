import avro from 'avsc';

/**
 * avsc trusts block counts: an array or map that claims 2^40 items from a 20-byte message
 * makes it loop (and allocate) 2^40 times, reading past the end. Every item of our schemas
 * takes at least one byte, so a count above the bytes left is corrupt; these guards reject it
 * before looping. Resolvers copy the reader type's `_read`, so they are guarded too.
 */
export class BlockCountError extends Error {
  override readonly name = 'BlockCountError';
}

interface Tap {
  buf: Uint8Array;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}

interface Inner {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

function readCount(tap: Tap): number {
  let n = tap.readLong();
  if (n < 0) {
    n = -n;
    tap.skipLong(); // block size in bytes, which we do not need
  }
  if (n > tap.buf.length - tap.pos) {
    throw new BlockCountError(`block of ${n} items with ${tap.buf.length - tap.pos} bytes left`);
  }
  return n;
}

function readArray(this: { itemsType: Inner }, tap: Tap): unknown[] {
  let n = readCount(tap);
  // Sizing the array from the first block, as avsc does, is measurably faster than push.
  const out: unknown[] = new Array(n);
  let i = 0;
  for (; n > 0; n = readCount(tap)) {
    while (n-- > 0) out[i++] = this.itemsType._read(tap);
  }
  return out;
}

function skipArray(this: { itemsType: Inner }, tap: Tap): void {
  for (let n = readCount(tap); n > 0; n = readCount(tap)) {
    while (n-- > 0) this.itemsType._skip(tap);
  }
}

function readMap(this: { valuesType: Inner }, tap: Tap): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let n = readCount(tap); n > 0; n = readCount(tap)) {
    while (n-- > 0) {
      const key = tap.readString();
      out[key] = this.valuesType._read(tap);
    }
  }
  return out;
}

function skipMap(this: { valuesType: Inner }, tap: Tap): void {
  for (let n = readCount(tap); n > 0; n = readCount(tap)) {
    while (n-- > 0) {
      tap.skipString();
      this.valuesType._skip(tap);
    }
  }
}

type TypeHook = (schema: unknown, opts: unknown) => avro.Type | undefined;

function guarded(base: { prototype: object }, methods: object): () => void {
  // avsc freezes type instances, so the guards live on a prototype between the instance and
  // avsc's own; Reflect.construct builds the instance with it from the start.
  function Guarded(): void {}
  Guarded.prototype = Object.assign(Object.create(base.prototype), methods);
  return Guarded;
}

// avsc reads an int as a long without a range check; a value outside 32 bits is corrupt.
function readInt(tap: Tap): number {
  const n = tap.readLong();
  if (n !== (n | 0)) throw new Error(`int out of range: ${n}`);
  return n;
}

const GuardedArray = guarded(avro.types.ArrayType, { _read: readArray, _skip: skipArray });
const GuardedInt = guarded(avro.types.IntType, { _read: readInt });
const GuardedMap = guarded(avro.types.MapType, { _read: readMap, _skip: skipMap });

/** A typeHook for avro.Type.forSchema that builds ints, arrays and maps with the guards. */
export const guardedTypeHook: TypeHook = (schema, opts) => {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const type = (schema as { type?: unknown }).type;
  if (type === 'array') return Reflect.construct(avro.types.ArrayType, [schema, opts], GuardedArray) as avro.Type;
  if (type === 'map') return Reflect.construct(avro.types.MapType, [schema, opts], GuardedMap) as avro.Type;
  // avsc asks for `{ "type": "int" }` after resolving the name "int"; a logical type keeps its own.
  if (type === 'int' && !('logicalType' in schema)) {
    return Reflect.construct(avro.types.IntType, [], GuardedInt) as avro.Type;
  }
  return undefined;
};

/**
 * Throws if an array of the type could hold items that take no bytes (null, empty records):
 * the guard would then reject valid data. Map entries always take a byte (the key).
 */
export function assertNoZeroWidthItems(type: avro.Type, seen = new Set<avro.Type>()): void {
  if (seen.has(type)) return;
  seen.add(type);
  for (const child of childTypes(type)) assertNoZeroWidthItems(child, seen);
  const t = type as unknown as { typeName: string; itemsType?: avro.Type };
  if (t.typeName === 'array' && mayBeEmpty(t.itemsType!, new Set())) {
    throw new Error(`arrays of zero-width items are not supported: ${JSON.stringify(type.schema())}`);
  }
}

function mayBeEmpty(type: avro.Type, seen: Set<avro.Type>): boolean {
  const t = type as unknown as { typeName: string; size?: number; underlyingType?: avro.Type };
  if (seen.has(type)) return false; // a recursive record needs a union, which takes a byte
  seen.add(type);
  if (t.typeName === 'null') return true;
  if (t.typeName === 'fixed') return t.size === 0;
  if (t.typeName === 'record' || t.typeName === 'error') return childTypes(type).every((c) => mayBeEmpty(c, seen));
  if (t.typeName.startsWith('logical:')) return mayBeEmpty(t.underlyingType!, seen);
  return false;
}

function childTypes(type: avro.Type): avro.Type[] {
  const t = type as unknown as Record<string, unknown> & { typeName: string };
  if (t.typeName === 'array') return [t.itemsType as avro.Type];
  if (t.typeName === 'map') return [t.valuesType as avro.Type];
  if (t.typeName === 'record' || t.typeName === 'error') return (t.fields as { type: avro.Type }[]).map((f) => f.type);
  if (t.typeName.startsWith('union')) return t.types as avro.Type[];
  if (t.typeName.startsWith('logical:')) return [t.underlyingType as avro.Type];
  return [];
}
