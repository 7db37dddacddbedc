import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import type { SchemaJson } from '../avro/schema-json.ts';
import { schemaHistory } from '../generated/schemas.ts';
import { type RecordName, RecordNames } from '../generated/types.ts';
import { createCodec } from './record-codecs.ts';
import { createRegistrySchemaCodec, createSchemaCodec } from './schema-codec.ts';
import { InMemorySchemaRegistry } from './schema-registry.ts';

// Version 1 has an optional field that version 2 removed; version 2 adds a field with a default.
const v1: SchemaJson = {
  type: 'record',
  name: 'Rec',
  namespace: 'test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'legacy', type: ['null', 'string'], default: null },
    { name: 'count', type: 'int' },
  ],
};
const v2: SchemaJson = {
  type: 'record',
  name: 'Rec',
  namespace: 'test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'count', type: 'long' },
    { name: 'added', type: 'string', default: 'fresh' },
  ],
};
const incompatible: SchemaJson = {
  type: 'record',
  name: 'Rec',
  namespace: 'test',
  fields: [{ name: 'id', type: 'int' }],
};

interface RecV1 {
  id: string;
  legacy: string | null;
  count: number;
}

describe('schema evolution', () => {
  const old = createSchemaCodec<RecV1>(v1);
  const bytes = old.encode({ id: 'a', legacy: 'gone', count: 3 });

  it('reads a record written with an earlier version: removed optional field, added defaulted field, int→long', () => {
    const reader = createSchemaCodec(v2, { writerSchemas: [v1] });
    expect(reader.decode(bytes)).toEqual({ id: 'a', count: 3, added: 'fresh' });
  });

  it('rejects a writer fingerprint it was not told about with UNKNOWN_SCHEMA', () => {
    const reader = createSchemaCodec(v2);
    expect(() => reader.decode(bytes)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SCHEMA' }));
  });

  it('reports a known but unreadable writer as UNKNOWN_SCHEMA with the reason', () => {
    const reader = createSchemaCodec(v2, { writerSchemas: [incompatible] });
    const written = createSchemaCodec<{ id: number }>(incompatible).encode({ id: 1 });
    expect(() => reader.decode(written)).toThrow(/UNKNOWN_SCHEMA|not readable/);
    expect(() => reader.decode(written)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SCHEMA' }));
  });

  it('resolves a Confluent id of an earlier version through the registry, once per id', async () => {
    const registry = new InMemorySchemaRegistry();
    let lookups = 0;
    const counting = {
      register: (subject: string, schema: string) => registry.register(subject, schema),
      schemaById: (id: number) => {
        lookups++;
        return registry.schemaById(id);
      },
    };
    const writer = await createRegistrySchemaCodec<RecV1>(v1, { registry, subject: 'rec-value' });
    const reader = await createRegistrySchemaCodec(v2, { registry: counting, subject: 'rec-value' });
    const framed = writer.encode({ id: 'b', legacy: null, count: 9 });
    expect(() => reader.decode(framed)).toThrow(expect.objectContaining({ code: 'UNKNOWN_SCHEMA' }));
    const decoded = await Promise.all([reader.decodeAsync(framed), reader.decodeAsync(framed)]);
    expect(decoded).toEqual([
      { id: 'b', count: 9, added: 'fresh' },
      { id: 'b', count: 9, added: 'fresh' },
    ]);
    expect(reader.decode(framed)).toEqual({ id: 'b', count: 9, added: 'fresh' });
    expect(lookups).toBe(1);

    const unknown = Buffer.from(framed);
    unknown.writeUInt32BE(99, 1);
    await expect(reader.decodeAsync(unknown)).rejects.toMatchObject({ code: 'UNKNOWN_SCHEMA' });
  });

  // Each earlier version separately from the current one: a loop over every version where the
  // only version is the current schema compares the schema with itself and proves nothing.
  const names = Object.keys(RecordNames) as RecordName[];
  const earlier = names.flatMap((name) =>
    schemaHistory[name].slice(0, -1).map((schema, i) => [name, i + 1, schema] as const),
  );

  it('has earlier versions to read (AttributedEvent, BidRequest, Impression, AuctionOutcome, ProfiledRequest, RoasWindow changed)', () => {
    expect(new Set(earlier.map(([name]) => name))).toEqual(
      new Set(['AttributedEvent', 'AuctionOutcome', 'BidRequest', 'Impression', 'ProfiledRequest', 'RoasWindow']),
    );
  });

  it.each(earlier)('reads random %s records written with v%i', (name, _, schema) => {
    const reader = createCodec(name);
    const readerType = avro.Type.forSchema(reader.schema as avro.Schema, { wrapUnions: 'never' });
    const writer = createSchemaCodec(schema);
    expect(writer.fingerprint.equals(reader.fingerprint)).toBe(false);
    const writerType = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'never' });
    const resolver = readerType.createResolver(writerType);
    for (let i = 0; i < 50; i++) {
      const bytes = writer.encode(writerType.random());
      // Same value as plain avsc resolves: the guarded, compiled reads change nothing for valid data.
      expect(reader.decode(bytes)).toEqual(readerType.fromBuffer(bytes.subarray(10), resolver));
    }
  });

  it.each(names)('round-trips random %s records of the current version', (name) => {
    const codec = createCodec(name);
    const type = avro.Type.forSchema(codec.schema as avro.Schema, { wrapUnions: 'never' });
    for (let i = 0; i < 50; i++) {
      const bytes = codec.encode(type.random() as never);
      expect(codec.decode(bytes)).toEqual(type.fromBuffer(bytes.subarray(10)));
    }
  });
});
