import { CodecError } from './codec-error.ts';
import {
  asBuffer,
  CONFLUENT_HEADER_BYTES,
  CONFLUENT_MAGIC,
  SINGLE_OBJECT_HEADER_BYTES,
  SINGLE_OBJECT_MAGIC_0,
  SINGLE_OBJECT_MAGIC_1,
} from './framing.ts';
import { BlockCountError } from './guarded-reads.ts';
import type { KnownWriters, WriterEntry } from './known-writers.ts';
import type { RegistryWriters } from './registry-writers.ts';

/**
 * Decodes one framed message. Bytes come from outside (any producer can write to a topic), so
 * every failure becomes a CodecError with a code, and nothing is trusted before it is checked:
 * size first, then the header, then the body under the writer schema the header names.
 */
export function decodeFrame<T>(
  bytes: Uint8Array,
  writers: KnownWriters,
  registry: RegistryWriters,
  maxBytes: number,
): T {
  if (bytes.length > maxBytes) {
    throw new CodecError('TOO_LARGE', `message of ${bytes.length} bytes is over the limit of ${maxBytes}`);
  }
  const buf = asBuffer(bytes);
  if (buf.length === 0) throw new CodecError('TRUNCATED', 'empty message');
  if (buf[0] === SINGLE_OBJECT_MAGIC_0) {
    if (buf.length >= 2 && buf[1] !== SINGLE_OBJECT_MAGIC_1) {
      throw new CodecError('BAD_MAGIC', `bad single-object marker c3 ${hex(buf[1]!)}`);
    }
    if (buf.length < SINGLE_OBJECT_HEADER_BYTES) throw new CodecError('TRUNCATED', 'message ends inside its header');
    const lo = buf.readUInt32LE(2);
    const hi = buf.readUInt32LE(6);
    const self = writers.reader;
    const entry = lo === self.fingerprintLo && hi === self.fingerprintHi ? writers.self : writers.get(lo, hi);
    if (!entry) {
      const why = writers.whyUnreadable(lo, hi);
      const fp = buf.subarray(2, 10).toString('hex');
      throw new CodecError('UNKNOWN_SCHEMA', `writer schema ${fp} is ${why ? `not readable: ${why}` : 'unknown'}`);
    }
    return decodeBody<T>(buf, SINGLE_OBJECT_HEADER_BYTES, entry, writers);
  }
  if (buf[0] === CONFLUENT_MAGIC) {
    if (buf.length < CONFLUENT_HEADER_BYTES) throw new CodecError('TRUNCATED', 'message ends inside its header');
    const id = buf.readUInt32BE(1);
    const entry = registry.ids.get(id);
    if (!entry) {
      const why = registry.hasRegistry ? 'unknown or not readable' : 'unknown: no schema registry configured';
      throw new CodecError('UNKNOWN_SCHEMA', `registry schema id ${id} is ${why}`);
    }
    return decodeBody<T>(buf, CONFLUENT_HEADER_BYTES, entry, writers);
  }
  throw new CodecError('BAD_MAGIC', `first byte ${hex(buf[0]!)} is neither c3 (single-object) nor 00 (Confluent)`);
}

function decodeBody<T>(buf: Buffer, offset: number, entry: WriterEntry, writers: KnownWriters): T {
  let result: { value: unknown; offset: number };
  try {
    result = writers.reader.type.decode(buf, offset, entry.resolver);
  } catch (error: unknown) {
    if (error instanceof BlockCountError) throw new CodecError('TRUNCATED', error.message, { cause: error });
    throw new CodecError('INVALID_BODY', `body does not decode: ${(error as Error).message}`, { cause: error });
  }
  if (result.offset < 0) throw new CodecError('TRUNCATED', 'message ends inside its body');
  if (result.offset !== buf.length) {
    throw new CodecError('INVALID_BODY', `${buf.length - result.offset} bytes after the end of the record`);
  }
  return result.value as T;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
