import type avro from 'avsc';
import type { SchemaJson } from '../avro/schema-json.ts';
import { fingerprintKey, type ParsedSchema, parseSchema } from './avro-type.ts';

/** A writer schema a reader can decode, with the avsc resolver from writer to reader. */
export interface WriterEntry {
  readonly writer: ParsedSchema;
  /** undefined when the writer is the reader's own schema: no resolution needed. */
  readonly resolver: avro.Resolver | undefined;
}

/**
 * The writer schemas one reader knows, by fingerprint: its own, every earlier version from
 * schemas/history, and any the registry told it about. Resolvers are built once per writer.
 */
export class KnownWriters {
  readonly reader: ParsedSchema;
  readonly self: WriterEntry;
  readonly #byFingerprint = new Map<string, WriterEntry>();
  readonly #unreadable = new Map<string, string>();

  constructor(reader: ParsedSchema) {
    this.reader = reader;
    this.self = { writer: reader, resolver: undefined };
    this.#byFingerprint.set(fingerprintKey(reader.fingerprintLo, reader.fingerprintHi), this.self);
  }

  /**
   * Adds a writer schema. One the reader cannot read (not backward compatible) is remembered
   * with the reason, which decode reports; the compatibility test keeps that from happening
   * to our own history.
   */
  add(schema: SchemaJson): WriterEntry | undefined {
    const writer = parseSchema(schema);
    const key = fingerprintKey(writer.fingerprintLo, writer.fingerprintHi);
    const known = this.#byFingerprint.get(key);
    if (known) return known;
    try {
      const entry = { writer, resolver: this.reader.type.createResolver(writer.type) };
      this.#byFingerprint.set(key, entry);
      return entry;
    } catch (error: unknown) {
      this.#unreadable.set(key, (error as Error).message);
      return undefined;
    }
  }

  get(lo: number, hi: number): WriterEntry | undefined {
    return this.#byFingerprint.get(fingerprintKey(lo, hi));
  }

  /** Why a known fingerprint cannot be read, when that is the case. */
  whyUnreadable(lo: number, hi: number): string | undefined {
    return this.#unreadable.get(fingerprintKey(lo, hi));
  }
}
