import { describe, expect, it } from 'vitest';
import { fingerprintBytes, rabinFingerprint64 } from './rabin.ts';
import { specVectors } from './spec-vectors.test-data.ts';

const EMPTY = 0xc15d213aa4d7a795n;

// The spec's definition without the table: shift-and-xor one bit at a time.
function bitwiseReference(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) {
    fp ^= BigInt(b);
    for (let i = 0; i < 8; i++) fp = (fp >> 1n) ^ (fp & 1n ? EMPTY : 0n);
  }
  return fp;
}

describe('CRC-64-AVRO', () => {
  const withFingerprint = specVectors.filter((v) => v.fingerprint !== undefined);

  it.each(withFingerprint)('matches the Avro spec vector for $canonical', ({ canonical, fingerprint }) => {
    const bytes = fingerprintBytes(canonical);
    expect(bytes.readBigInt64LE(0)).toBe(BigInt(fingerprint!));
  });

  it('puts the fingerprint on the wire little-endian', () => {
    // "null" -> 7195948357588979594 = 0x63dd24e7cc258f8a, least significant byte first.
    expect(fingerprintBytes('"null"').toString('hex')).toBe('8a8f25cce724dd63');
  });

  it('agrees with a bitwise implementation on random input', () => {
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const bytes = Uint8Array.from({ length: n }, () => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 24;
      });
      expect(rabinFingerprint64(bytes)).toBe(bitwiseReference(bytes));
    }
  });

  it('is the empty fingerprint for no input', () => {
    expect(rabinFingerprint64(new Uint8Array())).toBe(EMPTY);
  });
});
