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

/**
 * Makes one schema of a set self-contained: where it refers by name to a type defined in
 * another schema of the set, the definition is inlined at the first reference, as Avro wants
 * it. This lets `schemas/ProfiledRequest.avsc` say `"type": "BidRequest"` instead of copying
 * its shape, while writers, readers, registries and history still see one complete schema.
 * Docs and custom attributes (`pii`) are kept; the result is plain JSON.
 */
export function expandSchema(root: SchemaJson, library: readonly SchemaJson[]): SchemaJson {
  const definitions = new Map<string, SchemaObject>();
  for (const schema of library) collectDefinitions(schema, undefined, definitions);
  return expand(root, undefined, new Set(), definitions);
}

/** Every named type a schema defines, by full name, with its namespace made explicit. */
export function collectDefinitions(
  schema: SchemaJson,
  namespace: string | undefined,
  into: Map<string, SchemaObject>,
): void {
  if (Array.isArray(schema)) {
    for (const s of schema) collectDefinitions(s, namespace, into);
    return;
  }
  if (!isSchemaObject(schema)) return;
  const { type } = schema;
  if (typeof type !== 'string') collectDefinitions(type, namespace, into);
  else if (type === 'array') collectDefinitions(schema.items as SchemaJson, namespace, into);
  else if (type === 'map') collectDefinitions(schema.values as SchemaJson, namespace, into);
  else if (NAMED_TYPES.has(type)) {
    const name = definedName(schema, namespace);
    if (into.has(name)) throw new Error(`type ${name} is defined in two places`);
    into.set(name, { ...schema, namespace: namespaceOf(name) });
    for (const field of schema.fields ?? []) collectDefinitions(field.type, namespaceOf(name), into);
  }
}

function expand(
  schema: SchemaJson,
  namespace: string | undefined,
  defined: Set<string>,
  definitions: ReadonlyMap<string, SchemaObject>,
): SchemaJson {
  if (typeof schema === 'string') {
    if (PRIMITIVE_TYPES.has(schema)) return schema;
    const name = fullName(schema, namespace);
    if (defined.has(name)) return schema;
    const definition = definitions.get(name);
    if (!definition) throw new Error(`unknown type ${name}`);
    return expand(definition, namespace, defined, definitions);
  }
  if (Array.isArray(schema)) return schema.map((s) => expand(s, namespace, defined, definitions));
  if (!isSchemaObject(schema)) throw new Error(`not an Avro schema: ${JSON.stringify(schema)}`);
  const { type } = schema;
  if (typeof type !== 'string') return { ...schema, type: expand(type, namespace, defined, definitions) };
  if (type === 'array')
    return { ...schema, items: expand(schema.items as SchemaJson, namespace, defined, definitions) };
  if (type === 'map')
    return { ...schema, values: expand(schema.values as SchemaJson, namespace, defined, definitions) };
  if (!NAMED_TYPES.has(type)) return schema;
  const name = definedName(schema, namespace);
  // A type the expansion already defined (reached again through another file) becomes a reference.
  if (defined.has(name)) return name;
  defined.add(name);
  if (!schema.fields) return schema;
  const inner = namespaceOf(name);
  return {
    ...schema,
    fields: schema.fields.map((f) => ({ ...f, type: expand(f.type, inner, defined, definitions) })),
  };
}
