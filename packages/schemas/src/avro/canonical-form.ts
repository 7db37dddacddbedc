import {
  definedName,
  fullName,
  isSchemaObject,
  NAMED_TYPES,
  namespaceOf,
  PRIMITIVE_TYPES,
  type SchemaJson,
} from './schema-json.ts';

/**
 * Parsing Canonical Form of an Avro schema (Avro spec, "Transforming into Parsing Canonical
 * Form"): full names, only the attributes that matter for reading, in a fixed order, no
 * whitespace. Two schemas that read bytes the same way get the same text, hence the same
 * fingerprint. Written here rather than taken from avsc so the fingerprint does not depend on
 * an undocumented property of `Type#schema()`; a test checks both agree.
 */
export function canonicalForm(schema: SchemaJson): string {
  return canon(schema, undefined, new Set());
}

function canon(schema: SchemaJson, namespace: string | undefined, defined: Set<string>): string {
  if (typeof schema === 'string') {
    return JSON.stringify(PRIMITIVE_TYPES.has(schema) ? schema : fullName(schema, namespace));
  }
  if (Array.isArray(schema)) return `[${schema.map((s) => canon(s, namespace, defined)).join(',')}]`;
  if (!isSchemaObject(schema)) throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  const { type } = schema;
  if (typeof type !== 'string') return canon(type, namespace, defined);
  if (PRIMITIVE_TYPES.has(type)) return JSON.stringify(type);
  if (type === 'array') return `{"type":"array","items":${canon(schema.items as SchemaJson, namespace, defined)}}`;
  if (type === 'map') return `{"type":"map","values":${canon(schema.values as SchemaJson, namespace, defined)}}`;
  if (!NAMED_TYPES.has(type)) return canon(type, namespace, defined);

  const name = definedName(schema, namespace);
  if (defined.has(name)) throw new Error(`type ${name} is defined twice`);
  defined.add(name);
  const head = `{"name":${JSON.stringify(name)},"type":${JSON.stringify(type)}`;
  if (type === 'enum') return `${head},"symbols":${JSON.stringify(schema.symbols ?? [])}}`;
  if (type === 'fixed') return `${head},"size":${String(schema.size)}}`;
  const inner = namespaceOf(name);
  const fields = (schema.fields ?? []).map(
    (f) => `{"name":${JSON.stringify(f.name)},"type":${canon(f.type, inner, defined)}}`,
  );
  return `${head},"fields":[${fields.join(',')}]}`;
}
