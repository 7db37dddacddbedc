import { definedName, type SchemaObject } from '../avro/schema-json.ts';
import { currentSchemas, schemaHistory } from '../generated/schemas.ts';
import type { RecordName, RecordTypes } from '../generated/types.ts';
import { type AvroTopic, type TopicRecord, Topics, topicRecords } from '../topics.ts';
import { type Codec, type CodecOptions, createRegistrySchemaCodec, createSchemaCodec } from './schema-codec.ts';
import type { SchemaRegistry } from './schema-registry.ts';

export interface RecordCodecOptions {
  /** Largest message decode accepts and encode produces; default 1 MiB. */
  readonly maxBytes?: number;
}

export interface OpenCodecOptions extends RecordCodecOptions {
  /** When set, encode writes the Confluent wire format with the id this registry gives the schema. */
  readonly registry?: SchemaRegistry;
  /** Registry subject; default the record's full name (open) or `<topic>-value` (openTopicCodec). */
  readonly subject?: string;
}

/** The single-object codec of a record: reads every version in schemas/history. */
export function createCodec<N extends RecordName>(name: N, options: RecordCodecOptions = {}): Codec<RecordTypes[N]> {
  return createSchemaCodec<RecordTypes[N]>(currentSchemas[name], codecOptions(name, options));
}

/** The codec of a record: Confluent framing when a registry is given, else single-object. */
export async function openCodec<N extends RecordName>(
  name: N,
  options: OpenCodecOptions = {},
): Promise<Codec<RecordTypes[N]>> {
  if (!options.registry) return createCodec(name, options);
  return createRegistrySchemaCodec<RecordTypes[N]>(currentSchemas[name], {
    ...codecOptions(name, options),
    registry: options.registry,
    subject: options.subject ?? definedName(currentSchemas[name] as SchemaObject, undefined),
  });
}

/**
 * The codec of the record the topic `Topics[key]` carries; the registry subject defaults to
 * `<topic>-value`.
 */
export function openTopicCodec<K extends AvroTopic>(
  key: K,
  options: OpenCodecOptions = {},
): Promise<Codec<TopicRecord<K>>> {
  const topic = Topics[key];
  const name = topicRecords[topic]!;
  return openCodec(name, { ...options, subject: options.subject ?? `${topic}-value` }) as Promise<
    Codec<TopicRecord<K>>
  >;
}

function codecOptions(name: RecordName, options: RecordCodecOptions): CodecOptions {
  return { writerSchemas: schemaHistory[name], ...(options.maxBytes !== undefined && { maxBytes: options.maxBytes }) };
}
