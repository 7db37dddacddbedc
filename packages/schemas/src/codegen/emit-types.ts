import {
  definedName,
  fullName,
  isSchemaObject,
  NAMED_TYPES,
  namespaceOf,
  PRIMITIVE_TYPES,
  type SchemaJson,
  type SchemaObject,
  shortName,
} from '../avro/schema-json.ts';

/**
 * TypeScript declarations for the named types of expanded schemas, in the shape avsc decodes
 * to: unions unwrapped (`T | null`), longs as numbers, enums as string literals, bytes as
 * Buffer. Each named type is declared once, under its short name.
 */
export function emitTypes(roots: ReadonlyMap<string, SchemaJson>): string {
  const out: string[] = [];
  const seen = new Map<string, string>();
  for (const schema of roots.values()) declare(schema, undefined, seen, out);
  return out.join('\n');
}

const PRIMITIVE_TS: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

function declare(schema: SchemaJson, ns: string | undefined, seen: Map<string, string>, out: string[]): string {
  if (typeof schema === 'string') {
    return PRIMITIVE_TYPES.has(schema) ? PRIMITIVE_TS[schema]! : shortName(fullName(schema, ns));
  }
  if (Array.isArray(schema)) {
    // `T | null` reads better than avro's `["null", T]` order; the order means nothing in TS.
    const branches = schema.map((s) => declare(s, ns, seen, out));
    return [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')].join(' | ');
  }
  if (!isSchemaObject(schema)) throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  const { type } = schema;
  if (typeof type !== 'string') return declare(type, ns, seen, out);
  if (PRIMITIVE_TYPES.has(type)) return PRIMITIVE_TS[type]!;
  if (type === 'array') return `readonly ${wrap(declare(schema.items as SchemaJson, ns, seen, out))}[]`;
  if (type === 'map') return `Readonly<Record<string, ${declare(schema.values as SchemaJson, ns, seen, out)}>>`;
  if (!NAMED_TYPES.has(type)) return declare(type, ns, seen, out);
  return declareNamed(schema, definedName(schema, ns), seen, out);
}

function declareNamed(schema: SchemaObject, name: string, seen: Map<string, string>, out: string[]): string {
  const ts = shortName(name);
  const earlier = seen.get(ts);
  if (earlier !== undefined && earlier !== name) throw new Error(`types ${earlier} and ${name} share the name ${ts}`);
  if (earlier !== undefined) return ts;
  seen.set(ts, name);
  const type = schema.type as string;
  if (type === 'fixed') {
    out.push(`${jsdoc(schema.doc, '')}export type ${ts} = Buffer;\n`);
  } else if (type === 'enum') {
    const symbols = schema.symbols ?? [];
    out.push(`${jsdoc(schema.doc, '')}export type ${ts} = ${symbols.map((s) => `'${s}'`).join(' | ')};\n`);
    out.push(`/** The symbols of ${ts}, in schema order. */`);
    out.push(`export const ${ts}Symbols = [${symbols.map((s) => `'${s}'`).join(', ')}] as const;\n`);
  } else {
    // Nested declarations are collected first so that each interface is emitted whole.
    const nested: string[] = [];
    const lines = (schema.fields ?? []).map((f) => {
      const pii = typeof f.pii === 'string' ? ` PII: ${f.pii}.` : '';
      return `${jsdoc(`${f.doc ?? ''}${pii}`, '  ')}  readonly ${f.name}: ${declare(f.type, namespaceOf(name), seen, nested)};`;
    });
    out.push(`${jsdoc(schema.doc, '')}export interface ${ts} {\n${lines.join('\n')}\n}\n`);
    out.push(...nested);
  }
  return ts;
}

function wrap(ts: string): string {
  return ts.includes(' ') ? `(${ts})` : ts;
}

function jsdoc(doc: string | undefined, indent: string): string {
  if (!doc) return '';
  return `${indent}/** ${doc.replaceAll('*/', '*\\/')} */\n`;
}
