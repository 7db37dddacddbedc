import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { currentSchemas } from '../generated/schemas.ts';
import { canonicalForm } from './canonical-form.ts';
import type { SchemaJson } from './schema-json.ts';
import { specVectors } from './spec-vectors.test-data.ts';

describe('canonicalForm', () => {
  it.each(specVectors)('turns $input into the spec canonical form', ({ input, canonical }) => {
    expect(canonicalForm(JSON.parse(input) as SchemaJson)).toBe(canonical);
  });

  it('drops docs, defaults, logical types and custom attributes', () => {
    const schema: SchemaJson = {
      type: 'record',
      name: 'R',
      namespace: 'a.b',
      doc: 'x',
      fields: [
        { name: 'f', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'y', pii: 'indirect' },
        { name: 'g', type: { type: 'enum', name: 'E', symbols: ['A'], default: 'A' }, default: 'A' },
        { name: 'h', type: 'E' },
      ],
    };
    expect(canonicalForm(schema)).toBe(
      '{"name":"a.b.R","type":"record","fields":[{"name":"f","type":"long"},' +
        '{"name":"g","type":{"name":"a.b.E","type":"enum","symbols":["A"]}},{"name":"h","type":"a.b.E"}]}',
    );
  });

  it('rejects a type defined twice', () => {
    const twice: SchemaJson = ['null', { type: 'fixed', name: 'F', size: 1 }, { type: 'fixed', name: 'F', size: 1 }];
    expect(() => canonicalForm(twice)).toThrow(/defined twice/);
  });

  it.each(Object.keys(currentSchemas))('agrees with avsc for %s', (name) => {
    const schema = currentSchemas[name as keyof typeof currentSchemas] as SchemaJson;
    const viaAvsc = JSON.stringify(avro.Type.forSchema(schema as avro.Schema, { wrapUnions: 'never' }).schema());
    expect(canonicalForm(schema)).toBe(viaAvsc);
  });
});
