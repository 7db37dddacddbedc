import { collectDefinitions } from './expand.ts';
import {
  definedName,
  fullName,
  isSchemaObject,
  NAMED_TYPES,
  namespaceOf,
  PRIMITIVE_TYPES,
  type SchemaJson,
  type SchemaObject,
} from './schema-json.ts';

/** A schema with names resolved: what the compatibility checker walks. Records may be cyclic. */
export type SchemaNode =
  | { readonly kind: 'primitive'; readonly name: string }
  | { readonly kind: 'array'; readonly items: SchemaNode }
  | { readonly kind: 'map'; readonly values: SchemaNode }
  | { readonly kind: 'union'; readonly branches: readonly SchemaNode[] }
  | { readonly kind: 'enum'; readonly name: string; readonly symbols: readonly string[]; readonly default?: string }
  | { readonly kind: 'fixed'; readonly name: string; readonly size: number }
  | RecordNode;

export interface RecordNode {
  readonly kind: 'record';
  readonly name: string;
  readonly aliases: readonly string[];
  readonly fields: FieldNode[];
}

export interface FieldNode {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly hasDefault: boolean;
  readonly type: SchemaNode;
}

export function schemaGraph(schema: SchemaJson): SchemaNode {
  const definitions = new Map<string, SchemaObject>();
  collectDefinitions(schema, undefined, definitions);
  return toNode(schema, undefined, definitions, new Map());
}

function toNode(
  schema: SchemaJson,
  ns: string | undefined,
  definitions: ReadonlyMap<string, SchemaObject>,
  named: Map<string, SchemaNode>,
): SchemaNode {
  if (typeof schema === 'string') {
    if (PRIMITIVE_TYPES.has(schema)) return { kind: 'primitive', name: schema };
    const name = fullName(schema, ns);
    const node = named.get(name);
    if (node) return node;
    const definition = definitions.get(name);
    if (!definition) throw new Error(`unknown type ${name}`);
    return toNode(definition, ns, definitions, named);
  }
  if (Array.isArray(schema)) return { kind: 'union', branches: schema.map((s) => toNode(s, ns, definitions, named)) };
  if (!isSchemaObject(schema)) throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  const { type } = schema;
  if (typeof type !== 'string' || (!NAMED_TYPES.has(type) && type !== 'array' && type !== 'map')) {
    return typeof type === 'string' && PRIMITIVE_TYPES.has(type)
      ? { kind: 'primitive', name: type }
      : toNode(type, ns, definitions, named);
  }
  if (type === 'array') return { kind: 'array', items: toNode(schema.items as SchemaJson, ns, definitions, named) };
  if (type === 'map') return { kind: 'map', values: toNode(schema.values as SchemaJson, ns, definitions, named) };
  const name = definedName(schema, ns);
  const aliases = (schema.aliases ?? []).map((a) => fullName(a, namespaceOf(name)));
  if (type === 'enum') {
    const node = { kind: 'enum' as const, name, symbols: schema.symbols ?? [], default: schema.default as string };
    named.set(name, node);
    return node;
  }
  if (type === 'fixed') {
    const node = { kind: 'fixed' as const, name, size: schema.size ?? 0 };
    named.set(name, node);
    return node;
  }
  const record: RecordNode = { kind: 'record', name, aliases, fields: [] };
  named.set(name, record); // before the fields, so that a recursive reference finds it
  for (const f of schema.fields ?? []) {
    record.fields.push({
      name: f.name,
      aliases: f.aliases ?? [],
      hasDefault: 'default' in f,
      type: toNode(f.type, namespaceOf(name), definitions, named),
    });
  }
  return record;
}
