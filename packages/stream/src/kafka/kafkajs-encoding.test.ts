// Our kafkajs patch rewrites parts of its record encoding for speed (patches/kafkajs@2.2.4.patch):
// slicing-by-8 CRC-32C, varints written in place, unzeroed buffers. A wrong checksum is refused by
// the broker (CORRUPT_MESSAGE) and a wrong varint corrupts every record after it, so the patched
// code is checked here against plain reference implementations, without a broker.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const crc32C: (b: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
type KafkaEncoder = {
  writeVarInt(v: number): KafkaEncoder;
  writeVarIntBytes(b: Buffer): KafkaEncoder;
  readonly buffer: Buffer;
};
const Encoder: new (size?: number) => KafkaEncoder = require('kafkajs/src/protocol/encoder.js');
const Decoder: new (b: Buffer) => { readVarInt(): number; readVarIntBytes(): Buffer } =
  require('kafkajs/src/protocol/decoder.js');

/** CRC-32C, bit by bit (RFC 3720's polynomial, reflected). */
function referenceCrc32C(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Kafka's zig-zag varint (protobuf's sint32). */
function referenceVarInt(value: number): Buffer {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

describe('the patched kafkajs record encoding', () => {
  it('computes CRC-32C: the standard check value, and any length and alignment', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 63, 900, 4099]) {
      const bytes = randomBytes(length + 3).subarray(3 - (length % 4));
      expect(crc32C(bytes), `length ${bytes.length}`).toBe(referenceCrc32C(bytes));
    }
  });

  it('writes varints byte for byte, and they read back, between other fields', () => {
    const values = [0, 1, -1, 63, 64, -64, -65, 127, 128, 300, -300, 2 ** 20, -(2 ** 20), 2 ** 31 - 1, -(2 ** 31)];
    for (const v of values) expect(new Encoder().writeVarInt(v).buffer, String(v)).toEqual(referenceVarInt(v));
    // Past the first buffer (512 bytes), so the unzeroed growth is exercised too.
    const payload = randomBytes(700);
    const encoder = new Encoder();
    for (const v of values) encoder.writeVarInt(v).writeVarIntBytes(payload);
    const decoder = new Decoder(encoder.buffer);
    for (const v of values) {
      expect(decoder.readVarInt()).toBe(v);
      expect(decoder.readVarIntBytes()).toEqual(payload);
    }
  });
});
