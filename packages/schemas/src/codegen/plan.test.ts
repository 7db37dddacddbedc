import { describe, expect, it } from 'vitest';
import type { SchemaJson } from '../avro/schema-json.ts';
import { planGeneration } from './plan.ts';
import type { SchemaSources } from './sources.ts';

const kind: SchemaJson = { type: 'enum', name: 'Kind', namespace: 'dev.adtrace', doc: 'k', symbols: ['A', 'B'] };
const v1: SchemaJson = {
  type: 'record',
  name: 'Thing',
  namespace: 'dev.adtrace',
  doc: 'A thing.',
  fields: [{ name: 'kind', type: 'Kind', doc: 'Its kind.' }],
};
const v2: SchemaJson = {
  ...v1,
  fields: [...(v1 as { fields: readonly object[] }).fields, { name: 'n', type: 'int', default: 0, doc: 'n' }],
} as SchemaJson;
const expandedV1 = { ...v1, fields: [{ name: 'kind', type: { ...kind }, doc: 'Its kind.' }] };

const sources = (current: SchemaJson, history: SchemaJson[]): SchemaSources => ({
  current: new Map([
    ['Kind', kind],
    ['Thing', current],
  ]),
  history: new Map([
    ['Thing', history.map((schema, i) => ({ version: i + 1, path: `schemas/history/Thing.v${i + 1}.avsc`, schema }))],
  ]),
});

describe('planGeneration', () => {
  it('inlines referenced types and generates types only for records', () => {
    const plan = planGeneration(sources(v1, []));
    expect(plan.records.get('Thing')).toEqual(expandedV1);
    expect([...plan.records.keys()]).toEqual(['Thing']);
    const types = plan.files.get('packages/schemas/src/generated/types.ts')!;
    expect(types).toMatch(/^\/\/ generated — do not edit/);
    expect(types).toContain("export type Kind = 'A' | 'B';");
    expect(types).toContain('readonly kind: Kind;');
  });

  it('snapshots v1 of a new record', () => {
    const plan = planGeneration(sources(v1, []));
    expect(JSON.parse(plan.files.get('schemas/history/Thing.v1.avsc')!)).toEqual(expandedV1);
  });

  it('writes no snapshot while the canonical form is unchanged, even when docs change', () => {
    const plan = planGeneration(sources({ ...v1, doc: 'Reworded.' } as SchemaJson, [expandedV1]));
    expect([...plan.files.keys()].filter((p) => p.startsWith('schemas/'))).toEqual([]);
  });

  it('adds the next version after a released one', () => {
    const plan = planGeneration(sources(v2, [expandedV1]), { isReleased: () => true });
    expect(plan.files.has('schemas/history/Thing.v2.avsc')).toBe(true);
    expect(plan.history.get('Thing')!.map((e) => e.version)).toEqual([1, 2]);
  });

  it('replaces a snapshot that was never released instead of stacking versions', () => {
    const plan = planGeneration(sources(v2, [expandedV1, expandedV1]), {
      isReleased: (path) => path.endsWith('v1.avsc'),
    });
    expect(plan.files.has('schemas/history/Thing.v2.avsc')).toBe(true);
    expect(plan.files.has('schemas/history/Thing.v3.avsc')).toBe(false);
  });
});
