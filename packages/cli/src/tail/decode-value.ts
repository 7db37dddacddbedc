import {
  type Codec,
  canonicalForm,
  createCodec,
  currentSchemas,
  fingerprintBytes,
  isCodecError,
  type RecordName,
  recordNameOf,
  schemaHistory,
  type TopicName,
  topicSpecs,
} from '@adtrace/schemas';

/** How a value was read: Avro through the schemas, JSON passed through, else text or raw bytes. */
export type ValueFormat = 'avro' | 'json' | 'text' | 'bytes' | 'null';

export interface DecodedValue {
  readonly format: ValueFormat;
  /** The record's Avro name when the value is Avro, e.g. dev.adtrace.BidRequest. */
  readonly record?: string;
  /** The decoded record, the parsed JSON, the text, or the bytes in base64. */
  readonly value: unknown;
  /** Why the bytes could not be decoded (they are then shown in base64), e.g. "TRUNCATED: …". */
  readonly error?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters other than tab, line feed and carriage return mark bytes, not text.
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return true;
  }
  return false;
}

/** The bytes as text when they are printable UTF-8, else undefined. */
export function asText(bytes: Uint8Array): string | undefined {
  try {
    const text = strictUtf8.decode(bytes);
    return hasControl(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * Decodes message values of any topic. Avro's single-object header names its writer schema by
 * fingerprint, so a record is read by what it says it is, whatever topic it sits on (a test
 * topic, a dead letter's original bytes); a pipeline topic's own record is the fallback for a
 * header it does not know (the decode error then says why).
 */
export class ValueDecoder {
  readonly #byFingerprint = new Map<string, RecordName>();
  readonly #codecs = new Map<RecordName, Codec<unknown>>();

  constructor() {
    for (const name of Object.keys(currentSchemas) as RecordName[]) {
      for (const schema of [...schemaHistory[name], currentSchemas[name]]) {
        this.#byFingerprint.set(fingerprintBytes(canonicalForm(schema)).toString('hex'), name);
      }
    }
  }

  decode(bytes: Buffer | null, topic: string | undefined): DecodedValue {
    if (bytes === null) return { format: 'null', value: null };
    const avro = this.#avroRecord(bytes, topic);
    if (avro) return this.#decodeAvro(bytes, avro);
    const text = asText(bytes);
    if (text === undefined) return { format: 'bytes', value: bytes.toString('base64') };
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') {
      try {
        return { format: 'json', value: JSON.parse(text) };
      } catch {}
    }
    return { format: 'text', value: text };
  }

  /** The record to read Avro bytes as: the one their header names, else the topic's. */
  #avroRecord(bytes: Buffer, topic: string | undefined): RecordName | undefined {
    const ofTopic = topic !== undefined && isPipelineTopic(topic) ? recordNameOf(topic) : undefined;
    if (bytes.length >= 2 && bytes[0] === 0xc3 && bytes[1] === 0x01) {
      return this.#byFingerprint.get(bytes.subarray(2, 10).toString('hex')) ?? ofTopic ?? firstRecord;
    }
    // Confluent framing (00 + schema id) on a topic known to carry Avro: the codec says what it lacks.
    if (bytes.length >= 1 && bytes[0] === 0x00 && ofTopic) return ofTopic;
    return undefined;
  }

  #decodeAvro(bytes: Buffer, name: RecordName): DecodedValue {
    let codec = this.#codecs.get(name);
    if (!codec) {
      codec = createCodec(name) as Codec<unknown>;
      this.#codecs.set(name, codec);
    }
    try {
      return { format: 'avro', record: codec.recordName, value: codec.decode(bytes) };
    } catch (err) {
      const why = isCodecError(err) ? `${err.code}: ${err.message}` : String(err);
      return { format: 'bytes', value: bytes.toString('base64'), error: why };
    }
  }
}

// A single-object header no schema matches: any codec reports it as UNKNOWN_SCHEMA.
const firstRecord = Object.keys(currentSchemas)[0] as RecordName;

const pipelineTopics = new Set<string>(topicSpecs.map((s) => s.name));
export const isPipelineTopic = (topic: string): topic is TopicName => pipelineTopics.has(topic);
