/**
 * Reads that avsc does without checks. avsc trusts block counts: an array that claims 2^40
 * items in a 20-byte message makes it loop (and allocate) 2^40 times past the end. Every item
 * of our schemas takes at least a byte (parse-schema.ts refuses arrays of zero-width items), so
 * a count above the bytes left is corrupt. avsc also reads an int as a long without a range check.
 *
 * Array, map and union reads are compiled once per type instance (`new Function`), so that each
 * has its own inline caches: shared prototype methods see every item type of every schema, go
 * megamorphic, and were a third of decode time.
 */
export interface Tap {
  buf: Uint8Array;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  skipString(): void;
}

export class BlockCountError extends Error {
  override readonly name = 'BlockCountError';
}

export function readCount(tap: Tap): number {
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

export function readInt(tap: Tap): number {
  const n = tap.readLong();
  if (n !== (n | 0)) throw new Error(`int out of range: ${n}`);
  return n;
}

type Method = (this: never, tap: Tap) => unknown;

function compile(source: string): Method {
  return new Function('readCount', `return ${source}`)(readCount) as Method;
}

export function compileArrayRead(): Method {
  return compile(`function readArray(tap) {
    const items = this.itemsType;
    let n = readCount(tap);
    const out = new Array(n);
    let i = 0;
    for (; n > 0; n = readCount(tap)) while (n-- > 0) out[i++] = items._read(tap);
    return out;
  }`);
}

export function compileArraySkip(): Method {
  return compile(`function skipArray(tap) {
    const items = this.itemsType;
    for (let n = readCount(tap); n > 0; n = readCount(tap)) while (n-- > 0) items._skip(tap);
  }`);
}

export function compileMapRead(): Method {
  return compile(`function readMap(tap) {
    const values = this.valuesType;
    const out = {};
    for (let n = readCount(tap); n > 0; n = readCount(tap)) {
      while (n-- > 0) {
        const key = tap.readString();
        out[key] = values._read(tap);
      }
    }
    return out;
  }`);
}

export function compileMapSkip(): Method {
  return compile(`function skipMap(tap) {
    const values = this.valuesType;
    for (let n = readCount(tap); n > 0; n = readCount(tap)) {
      while (n-- > 0) {
        tap.skipString();
        values._skip(tap);
      }
    }
  }`);
}

export function compileUnionRead(): Method {
  return compile(`function readUnion(tap) {
    const index = tap.readLong();
    const branch = this.types[index];
    if (branch === undefined) throw new Error('invalid union index: ' + index);
    return branch._read(tap);
  }`);
}
