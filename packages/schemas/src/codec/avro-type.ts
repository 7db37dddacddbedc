import avro from 'avsc';
import { canonicalForm } from '../avro/canonical-form.ts';
import { fingerprintBytes } from '../avro/rabin.ts';
import type { SchemaJson } from '../avro/schema-json.ts';
import { codecTypeHook } from './type-hook.ts';
import { assertNoZeroWidthItems } from './zero-width.ts';

/** An avsc type with the identity the wire format uses for it. */
export interface ParsedSchema {
  readonly schema: SchemaJson;
  readonly type: avro.Type;
  readonly canonical: string;
  /** CRC-64-AVRO of the canonical form, 8 bytes little-endian. */
  readonly fingerprint: Buffer;
  /** The fingerprint as two uint32 halves, compared per message without allocating. */
  readonly fingerprintLo: number;
  readonly fingerprintHi: number;
}

/**
 * Parses a schema the way every codec does: unions unwrapped (`T | null`, matching the
 * generated types), plain records without methods, reads guarded against hostile input
 * (type-hook.ts).
 */
export function parseSchema(schema: SchemaJson): ParsedSchema {
  const type = avro.Type.forSchema(schema as avro.Schema, {
    wrapUnions: 'never',
    omitRecordMethods: true,
    typeHook: codecTypeHook as never,
  });
  assertNoZeroWidthItems(type);
  const canonical = canonicalForm(schema);
  const fingerprint = fingerprintBytes(canonical);
  return {
    schema,
    type,
    canonical,
    fingerprint,
    fingerprintLo: fingerprint.readUInt32LE(0),
    fingerprintHi: fingerprint.readUInt32LE(4),
  };
}

/** The key of a fingerprint in maps. */
export function fingerprintKey(lo: number, hi: number): string {
  return `${hi.toString(16)}:${lo.toString(16)}`;
}
