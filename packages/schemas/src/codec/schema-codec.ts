import type { SchemaJson } from '../avro/schema-json.ts';
import { type ParsedSchema, parseSchema } from './avro-type.ts';
import { decodeFrame } from './decode-frame.ts';
import { encodeFrame } from './encode-frame.ts';
import { confluentHeader, singleObjectHeader, type WireFormat } from './framing.ts';
import { KnownWriters } from './known-writers.ts';
import { RegistryWriters, registryCall } from './registry-writers.ts';
import type { SchemaRegistry } from './schema-registry.ts';

/** Turns records of one type into Kafka message values and back. */
export interface Codec<T> {
  /** Full Avro name of the record, e.g. dev.adtrace.BidRequest. */
  readonly recordName: string;
  /** The schema this codec writes, and reads every known writer schema into. */
  readonly schema: SchemaJson;
  /** CRC-64-AVRO fingerprint of the schema's canonical form, 8 bytes little-endian. */
  readonly fingerprint: Buffer;
  /** What encode writes; decode reads both formats. */
  readonly format: WireFormat;
  /** Throws CodecError INVALID_VALUE or TOO_LARGE. */
  encode(value: T): Buffer;
  /** Throws CodecError for any input it cannot decode, never another error. */
  decode(bytes: Uint8Array): T;
  /** As decode, but first asks the registry about a Confluent schema id it has not seen. */
  decodeAsync(bytes: Uint8Array): Promise<T>;
}

export interface CodecOptions {
  /** Largest message decode accepts and encode produces; default 1 MiB, Kafka's default message size. */
  readonly maxBytes?: number;
  /** Earlier schemas of the record that writers may still use (schemas/history). */
  readonly writerSchemas?: readonly SchemaJson[];
}

export interface RegistryCodecOptions extends CodecOptions {
  readonly registry: SchemaRegistry;
  /** Registry subject; Confluent's default for a topic's values is `<topic>-value`. */
  readonly subject: string;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** A codec that writes the Avro single-object encoding. */
export function createSchemaCodec<T>(schema: SchemaJson, options: CodecOptions = {}): Codec<T> {
  const reader = parseSchema(schema);
  return buildCodec<T>(reader, singleObjectHeader(reader.fingerprint), options, undefined);
}

/** A codec that writes the Confluent wire format, once it has registered its schema. */
export async function createRegistrySchemaCodec<T>(
  schema: SchemaJson,
  options: RegistryCodecOptions,
): Promise<Codec<T>> {
  const reader = parseSchema(schema);
  const id = await registryCall(() => options.registry.register(options.subject, JSON.stringify(schema)));
  return buildCodec<T>(reader, confluentHeader(id), options, options.registry, id);
}

function buildCodec<T>(
  reader: ParsedSchema,
  header: Buffer,
  options: CodecOptions,
  registry: SchemaRegistry | undefined,
  ownId?: number,
): Codec<T> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const writers = new KnownWriters(reader);
  for (const old of options.writerSchemas ?? []) writers.add(old);
  const registryWriters = new RegistryWriters(writers, registry);
  if (ownId !== undefined) registryWriters.ids.set(ownId, writers.self);
  const encode = encodeFrame(reader.type, header, maxBytes);
  const decode = (bytes: Uint8Array): T => decodeFrame<T>(bytes, writers, registryWriters, maxBytes);

  return {
    recordName: reader.type.name ?? '',
    schema: reader.schema,
    fingerprint: reader.fingerprint,
    format: ownId === undefined ? 'single-object' : 'confluent',
    encode: (value) => encode(value),
    decode,
    async decodeAsync(bytes) {
      const id = confluentId(bytes);
      if (id !== undefined && bytes.length <= maxBytes) await registryWriters.resolve(id);
      return decode(bytes);
    },
  };
}

function confluentId(bytes: Uint8Array): number | undefined {
  if (bytes.length < 5 || bytes[0] !== 0) return undefined;
  return ((bytes[1]! << 24) | (bytes[2]! << 16) | (bytes[3]! << 8) | bytes[4]!) >>> 0;
}
