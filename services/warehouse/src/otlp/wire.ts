/** Input that is not valid protobuf: the receiver answers INVALID_ARGUMENT. */
export class MalformedProtobuf extends Error {
  override readonly name = 'MalformedProtobuf';
}

export const WireType = { varint: 0, fixed64: 1, len: 2, fixed32: 5 } as const;

/**
 * A protobuf wire reader over one Buffer, with bounds checked on every read. Hand-written
 * instead of protobufjs reflection: decoding straight into span rows is several times faster
 * than building message objects first, and this is the receiver's hot path.
 */
export class Wire {
  readonly buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) throw new MalformedProtobuf(`truncated message at byte ${this.pos}`);
  }

  /** A varint as an unsigned 32-bit number (tags, lengths, enums, bools); longer varints keep their low bits. */
  uint32(): number {
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      this.#need(1);
      const b = this.buf[this.pos++]!;
      if (shift < 32) value = (value | ((b & 0x7f) << shift)) >>> 0;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
    throw new MalformedProtobuf(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** An int64 varint: a number when it is exact, else its decimal string. */
  int64(): number | string {
    // Fast path: up to 7 bytes is below 2^49, exact in a double (offsets, counts, sizes).
    const start = this.pos;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < 7 && this.pos < this.end; i++) {
      const b = this.buf[this.pos++]!;
      n += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return n;
      scale *= 128;
    }
    this.pos = start;
    return this.#int64Slow();
  }

  #int64Slow(): number | string {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      this.#need(1);
      const b = this.buf[this.pos++]!;
      if (i < 4) lo = (lo | ((b & 0x7f) << (7 * i))) >>> 0;
      else if (i === 4) {
        lo = (lo | ((b & 0x0f) << 28)) >>> 0;
        hi = (b & 0x7f) >>> 4;
      } else hi = (hi | ((b & 0x7f) << (7 * i - 32))) >>> 0;
      if ((b & 0x80) === 0) {
        const big = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
        const n = Number(big);
        return Number.isSafeInteger(n) ? n : big.toString();
      }
    }
    throw new MalformedProtobuf(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  fixed32(): number {
    this.#need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** fixed64 as [low, high] unsigned 32-bit halves. */
  fixed64(): [number, number] {
    this.#need(8);
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return [lo, hi];
  }

  double(): number {
    this.#need(8);
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Start and end of a length-delimited field; the reader moves past it. */
  span(): [number, number] {
    const len = this.uint32();
    this.#need(len);
    const start = this.pos;
    this.pos += len;
    return [start, this.pos];
  }

  /**
   * Enters a length-delimited field: returns where it ends. The caller reads fields while
   * `pos < end`, then calls `leave(end)`. No sub-reader is allocated (hot path).
   */
  enter(): number {
    const len = this.uint32();
    this.#need(len);
    return this.pos + len;
  }

  /** Checks that a field's contents ended exactly where its length said. */
  leave(end: number): void {
    if (this.pos !== end) throw new MalformedProtobuf(`field overruns its length at byte ${this.pos}`);
  }

  /** True when the bytes [start, end) are all zero (an unset id). */
  zeros(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.buf[i] !== 0) return false;
    return true;
  }

  /** UTF-8 text; NUL characters are dropped (PostgreSQL text and jsonb cannot hold them). */
  string(): string {
    const len = this.uint32();
    this.#need(len);
    const start = this.pos;
    this.pos += len;
    return this.#text(start, this.pos);
  }

  #text(start: number, end: number): string {
    const s = this.buf.toString('utf8', start, end);
    return s.includes('\0') ? s.replaceAll('\0', '') : s;
  }

  /**
   * `string()` for text that repeats across spans (attribute keys, span names): each is a few
   * dozen ASCII bytes decoded thousands of times per request, and hashing and comparing the
   * bytes costs less than decoding them (a C++ call and a new string each time).
   */
  repeated(): string {
    const len = this.uint32();
    this.#need(len);
    const start = this.pos;
    const end = start + len;
    const buf = this.buf;
    let hash = len;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + buf[i]!) | 0;
    this.pos = end;
    const known = REPEATED.get(hash);
    if (known !== undefined && known.length === len && sameAscii(known, buf, start)) return known;
    const s = this.#text(start, end);
    // Only all-ASCII text (as many characters as bytes) is compared byte for character above.
    if (s.length === len) {
      if (REPEATED.size >= MAX_REPEATED) REPEATED.clear();
      REPEATED.set(hash, s);
    }
    return s;
  }

  skip(wireType: number): void {
    switch (wireType) {
      case WireType.varint:
        this.int64();
        return;
      case WireType.fixed64:
        this.#need(8);
        this.pos += 8;
        return;
      case WireType.len:
        this.span();
        return;
      case WireType.fixed32:
        this.#need(4);
        this.pos += 4;
        return;
      default:
        throw new MalformedProtobuf(`unsupported wire type ${wireType} at byte ${this.pos}`);
    }
  }
}

/** Texts `repeated()` has seen, by a hash of their bytes; cleared when full (a bound, not an LRU). */
const REPEATED = new Map<number, string>();
const MAX_REPEATED = 4096;

function sameAscii(s: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** Unix nanoseconds as [low, high] → whole microseconds and the nanoseconds left over, exactly. */
export function nanosToMicros([lo, hi]: [number, number]): [micros: number, restNanos: number] {
  // ns = hi·2^32 + lo = hi·4294967000 + (hi·296 + lo); the second part stays far below 2^53.
  const rest = hi * 296 + lo;
  return [hi * 4294967 + Math.floor(rest / 1000), rest % 1000];
}
