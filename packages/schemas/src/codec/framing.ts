/**
 * The two wire formats. Single-object encoding (Avro spec): C3 01, the writer schema's
 * CRC-64-AVRO fingerprint (8 bytes, little-endian), the body. Confluent: 00, the registry's
 * schema id (4 bytes, big-endian), the body. A decoder accepts both, whatever it writes, so a
 * topic can move from one to the other without a flag day.
 */
export type WireFormat = 'single-object' | 'confluent';

export const SINGLE_OBJECT_MAGIC_0 = 0xc3;
export const SINGLE_OBJECT_MAGIC_1 = 0x01;
export const SINGLE_OBJECT_HEADER_BYTES = 10;
export const CONFLUENT_MAGIC = 0x00;
export const CONFLUENT_HEADER_BYTES = 5;

export function singleObjectHeader(fingerprint: Uint8Array): Buffer {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_BYTES);
  header[0] = SINGLE_OBJECT_MAGIC_0;
  header[1] = SINGLE_OBJECT_MAGIC_1;
  header.set(fingerprint, 2);
  return header;
}

export function confluentHeader(schemaId: number): Buffer {
  const header = Buffer.alloc(CONFLUENT_HEADER_BYTES);
  header[0] = CONFLUENT_MAGIC;
  header.writeUInt32BE(schemaId, 1);
  return header;
}

/** A view of the bytes as a Buffer, without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
