/**
 * CRC-64-AVRO, the Rabin fingerprint of the Avro spec ("Schema Fingerprints"), which the
 * single-object encoding puts in every message header. avsc only offers MD5/SHA hashes, so it
 * is implemented here from the spec. BigInt is fine: fingerprints are computed once per schema.
 */
const EMPTY = 0xc15d213aa4d7a795n;
const MASK64 = 0xffffffffffffffffn;

const TABLE: readonly bigint[] = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n) & MASK64);
  return fp;
});

/** The 64-bit fingerprint of `bytes` as an unsigned BigInt. */
export function rabinFingerprint64(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/** The fingerprint of a schema's canonical form as the 8 little-endian bytes Avro puts on the wire. */
export function fingerprintBytes(canonicalForm: string): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(rabinFingerprint64(Buffer.from(canonicalForm, 'utf8')));
  return out;
}
