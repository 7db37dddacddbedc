import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { checkCompatibility } from './compatibility.ts';
import type { FieldJson, SchemaJson } from './schema-json.ts';

const record = (fields: FieldJson[], name = 'R'): SchemaJson => ({ type: 'record', name, namespace: 't', fields });
const color = (symbols: string[], extra: object = {}): SchemaJson => ({
  type: 'enum',
  name: 'Color',
  symbols,
  ...extra,
});

const base = record([
  { name: 'id', type: 'string' },
  { name: 'n', type: 'int' },
  { name: 'note', type: ['null', 'string'], default: null },
  { name: 'color', type: color(['RED', 'GREEN']) },
  {
    name: 'tags',
    type: { type: 'array', items: { type: 'record', name: 'Tag', fields: [{ name: 'k', type: 'string' }] } },
  },
]);
const fields = (schema: SchemaJson): FieldJson[] => [...((schema as { fields?: readonly FieldJson[] }).fields ?? [])];
const replace = (name: string, field: FieldJson): SchemaJson =>
  record(fields(base).map((f) => (f.name === name ? field : f)));

// [description, new reader schema, expected issue paths] — every reader is checked against `base` as writer.
const cases: [string, SchemaJson, string[]][] = [
  ['unchanged', base, []],
  ['field added with a default', record([...fields(base), { name: 'x', type: 'long', default: 0 }]), []],
  ['field added without a default', record([...fields(base), { name: 'x', type: 'long' }]), ['R.x']],
  ['optional field removed', record(fields(base).filter((f) => f.name !== 'note')), []],
  ['required field removed', record(fields(base).filter((f) => f.name !== 'n')), []],
  ['int promoted to long', replace('n', { name: 'n', type: 'long' }), []],
  ['string changed to int', replace('id', { name: 'id', type: 'int' }), ['R.id']],
  ['field renamed with an alias', replace('id', { name: 'key', type: 'string', aliases: ['id'] }), []],
  ['field renamed without an alias', replace('id', { name: 'key', type: 'string' }), ['R.key']],
  ['string made optional', replace('id', { name: 'id', type: ['null', 'string'], default: null }), []],
  ['optional made required', replace('note', { name: 'note', type: 'string', default: '' }), ['R.note']],
  ['enum symbol added', replace('color', { name: 'color', type: color(['RED', 'GREEN', 'BLUE']) }), []],
  ['enum symbol removed', replace('color', { name: 'color', type: color(['RED']) }), ['R.color']],
  [
    'enum symbol removed, reader default',
    replace('color', { name: 'color', type: color(['RED'], { default: 'RED' }) }),
    [],
  ],
  [
    'nested field added without default',
    replace('tags', {
      name: 'tags',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Tag',
          fields: [
            { name: 'k', type: 'string' },
            { name: 'v', type: 'string' },
          ],
        },
      },
    }),
    ['R.tags[].v'],
  ],
  ['record renamed', record(fields(base), 'S'), ['S']],
];

describe('checkCompatibility', () => {
  it.each(cases)('%s', (_, reader, paths) => {
    expect(checkCompatibility(reader, base).map((i) => i.path)).toEqual(paths);
  });

  it.each(cases)('agrees with avsc schema resolution: %s', (_, reader, paths) => {
    const readerType = avro.Type.forSchema(reader as avro.Schema, { wrapUnions: 'never' });
    const writerType = avro.Type.forSchema(base as avro.Schema, { wrapUnions: 'never' });
    const avscAccepts = (() => {
      try {
        readerType.createResolver(writerType);
        return true;
      } catch {
        return false;
      }
    })();
    expect(avscAccepts).toBe(paths.length === 0);
  });

  it('explains what is wrong', () => {
    const [issue] = checkCompatibility(replace('id', { name: 'id', type: 'int' }), base);
    expect(issue).toEqual({ path: 'R.id', message: 'string cannot be read as int' });
  });
});
