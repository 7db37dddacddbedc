import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { MalformedProtobuf, nanosToMicros, Wire } from './wire.ts';

const bytes = (write: (w: protobuf.Writer) => void) => {
  const w = protobuf.Writer.create();
  write(w);
  return Buffer.from(w.finish());
};

describe('Wire', () => {
  it('reads int64 varints exactly, as numbers while safe and strings beyond', () => {
    const values = [0, 1, 300, 2 ** 48 + 7, -1, -(2 ** 40), Number.MAX_SAFE_INTEGER];
    const w = new Wire(
      bytes((w) => {
        for (const v of values) w.int64(v);
      }),
    );
    expect(values.map(() => w.int64())).toEqual(values);
    const big = new Wire(bytes((w) => w.int64('9223372036854775807')));
    expect(big.int64()).toBe('9223372036854775807');
  });

  it('refuses truncated input and unknown wire types', () => {
    expect(() => new Wire(Buffer.from([0x80])).uint32()).toThrow(MalformedProtobuf);
    expect(() => new Wire(Buffer.from([0x05, 1, 2])).span()).toThrow(/truncated/);
    expect(() => new Wire(Buffer.from([])).skip(3)).toThrow(/wire type 3/);
  });

  it('reads repeated text as string() does, whatever was read before', () => {
    const texts = [
      'messaging.kafka.offset',
      'adtrace.event_id',
      'messaging.kafka.offset',
      'clé',
      'clé',
      'a\u0000b',
      '',
    ];
    // Two texts of the same length and hash-adjacent bytes, read in turn: each must come back as itself.
    texts.push('ab', 'bC', 'ab', 'bC');
    const w = new Wire(
      bytes((w) => {
        for (const t of texts) w.string(t);
      }),
    );
    expect(texts.map(() => w.repeated())).toEqual(texts.map((t) => t.replaceAll('\u0000', '')));
    expect(w.done).toBe(true);
    expect(() => new Wire(Buffer.from([0x05, 0x61])).repeated()).toThrow(/truncated/);
  });

  it('drops NUL from strings', () => {
    expect(new Wire(bytes((w) => w.string('a\u0000b'))).string()).toBe('ab');
  });
});

describe('nanosToMicros', () => {
  it('is exact where a double of nanoseconds is not', () => {
    const ns = 1_795_305_984_252_123_456n; // 2026, beyond 2^53 ns
    const lo = Number(ns & 0xffffffffn);
    const hi = Number(ns >> 32n);
    expect(nanosToMicros([lo, hi])).toEqual([Number(ns / 1000n), Number(ns % 1000n)]);
  });
});
