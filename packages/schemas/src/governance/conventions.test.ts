import { describe, expect, it } from 'vitest';
import { isSchemaObject, type SchemaJson } from '../avro/schema-json.ts';
import { loadSchemaSources } from '../codegen/load-sources.ts';

// The conventions of schemas/README.md, over the .avsc files as written.
const sources = [...loadSchemaSources().current];

interface Found {
  readonly where: string;
  readonly node: Record<string, unknown>;
  readonly isField: boolean;
}

function nodes(schema: SchemaJson, where: string, out: Found[]): Found[] {
  if (Array.isArray(schema)) for (const s of schema) nodes(s, where, out);
  if (!isSchemaObject(schema)) return out;
  if (typeof schema.name === 'string') out.push({ where: `${where}/${schema.name}`, node: schema, isField: false });
  if (typeof schema.type !== 'string') nodes(schema.type, where, out);
  if (schema.items) nodes(schema.items, where, out);
  if (schema.values) nodes(schema.values, where, out);
  for (const f of schema.fields ?? []) {
    out.push({ where: `${where}/${String(schema.name)}.${f.name}`, node: f, isField: true });
    nodes(f.type, where, out);
  }
  return out;
}

// Field names that hold personal data wherever they appear; a new one must be tagged.
const PERSONAL =
  /^(userKey|ua|ip|lat|lon|city|zip|metro|page|ref|consent|gpp|segments|interests|ageBracket|embedding|trackingToken|email|userId|ifa|buyeruid|yob|gender)$/;

// Same names, no person behind them: a campaign's targeted segments and an ad's embedding.
const NOT_PERSONAL = new Set(['Campaign/Targeting.segments', 'Campaign/Ad.embedding']);

describe.each(sources)('schemas/%s.avsc', (file, schema) => {
  const all = nodes(schema, file, []);

  it('defines a type named like the file, in dev.adtrace', () => {
    expect(isSchemaObject(schema) && schema.name).toBe(file);
    expect(isSchemaObject(schema) && schema.namespace).toBe('dev.adtrace');
  });

  it('documents every type and field', () => {
    expect(all.filter((n) => typeof n.node.doc !== 'string' || n.node.doc.length < 3).map((n) => n.where)).toEqual([]);
  });

  it('tags every field that holds personal data', () => {
    const untagged = all.filter(
      (n) => n.isField && PERSONAL.test(String(n.node.name)) && n.node.pii === undefined && !NOT_PERSONAL.has(n.where),
    );
    expect(untagged.map((n) => n.where)).toEqual([]);
  });

  it('gives every optional field a null default', () => {
    const bad = all.filter(
      (n) => n.isField && Array.isArray(n.node.type) && n.node.type[0] === 'null' && n.node.default !== null,
    );
    expect(bad.map((n) => n.where)).toEqual([]);
  });
});
