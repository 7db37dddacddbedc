/**
 * String reads and writes without a call into C++ for short ASCII strings. Node's
 * Buffer#utf8Slice and Buffer.byteLength cost a fixed ~50-80 ns per call whatever the length,
 * and a bid request holds dozens of short strings (ids, currencies, categories): decoding them
 * in JS is several times faster up to ~16 bytes. Longer or non-ASCII strings take Node's path.
 * The tap keeps avsc's contract: reading past the end moves `pos` past the end, and the caller
 * checks that afterwards.
 */
interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  writeLong(n: number): void;
  readString(): string;
  writeString(s: string): void;
}

const SHORT = 16;

// Node's undocumented but long-stable Buffer method (avsc uses it too); toString adds checks.
interface Utf8Buffer extends Buffer {
  utf8Slice(start: number, end: number): string;
}
const fromCharCode = String.fromCharCode;

// One fromCharCode call makes a flat string; concatenating characters one by one would make a
// chain of cons strings that V8 has to flatten later.
function ascii8(b: Buffer, p: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return fromCharCode(b[p]!);
    case 2:
      return fromCharCode(b[p]!, b[p + 1]!);
    case 3:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
    case 4:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    case 5:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
    case 6:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
    case 7:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
    default:
      return fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
  }
}

export function readString(this: unknown, tap: Tap): string {
  const len = tap.readLong();
  const buf = tap.buf;
  const pos = tap.pos;
  const end = pos + len;
  if (len < 0 || end > buf.length) {
    tap.pos = buf.length + 1; // truncated or corrupt: the caller sees an invalid tap
    return '';
  }
  tap.pos = end;
  if (len <= SHORT) {
    let ascii = 0;
    for (let i = pos; i < end; i++) ascii |= buf[i]!;
    if (ascii < 0x80) return len <= 8 ? ascii8(buf, pos, len) : ascii8(buf, pos, 8) + ascii8(buf, pos + 8, len - 8);
  }
  return (buf as Utf8Buffer).utf8Slice(pos, end);
}

export function writeString(this: { _write?: unknown }, tap: Tap, value: unknown): void {
  if (typeof value !== 'string') throw new Error(`invalid "string": ${String(value)}`);
  const n = value.length;
  if (n > SHORT) {
    tap.writeString(value);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (value.charCodeAt(i) >= 0x80) {
      tap.writeString(value);
      return;
    }
  }
  tap.writeLong(n);
  const buf = tap.buf;
  let pos = tap.pos;
  tap.pos = pos + n;
  if (tap.pos > buf.length) return; // avsc grows the buffer and writes again
  for (let i = 0; i < n; i++) buf[pos++] = value.charCodeAt(i);
}
