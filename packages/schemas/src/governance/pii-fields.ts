import { collectDefinitions } from '../avro/expand.ts';
import {
  definedName,
  fullName,
  isSchemaObject,
  namespaceOf,
  PRIMITIVE_TYPES,
  type SchemaJson,
  type SchemaObject,
} from '../avro/schema-json.ts';
import { currentSchemas } from '../generated/schemas.ts';
import type { RecordName } from '../generated/types.ts';

/** `direct`: identifies a person on its own; `indirect`: identifies together with other data. */
export type PiiLevel = 'direct' | 'indirect';

export const PII_LEVELS: readonly PiiLevel[] = ['direct', 'indirect'];

export interface PiiField {
  /** Dotted path in the record: `device.geo.lat`; `[]` marks array items, `{}` map values. */
  readonly path: string;
  readonly level: PiiLevel;
  readonly doc: string;
}

/**
 * The fields of a record tagged `"pii"` in its schema, for governance: retention, erasure,
 * masking in views and exports. Takes a record name or any schema.
 */
export function piiFields(record: RecordName | SchemaJson): PiiField[] {
  const schema = typeof record === 'string' && record in currentSchemas ? currentSchemas[record as RecordName] : record;
  const definitions = new Map<string, SchemaObject>();
  collectDefinitions(schema, undefined, definitions);
  const out: PiiField[] = [];
  walk(schema, undefined, '', definitions, new Set(), out);
  return out;
}

function walk(
  schema: SchemaJson,
  ns: string | undefined,
  path: string,
  definitions: ReadonlyMap<string, SchemaObject>,
  open: Set<string>,
  out: PiiField[],
): void {
  if (typeof schema === 'string') {
    if (PRIMITIVE_TYPES.has(schema)) return;
    const definition = definitions.get(fullName(schema, ns));
    if (definition) walk(definition, ns, path, definitions, open, out);
    return;
  }
  if (Array.isArray(schema)) {
    for (const branch of schema) walk(branch, ns, path, definitions, open, out);
    return;
  }
  if (!isSchemaObject(schema)) return;
  const { type } = schema;
  if (typeof type !== 'string') walk(type, ns, path, definitions, open, out);
  else if (type === 'array') walk(schema.items as SchemaJson, ns, `${path}[]`, definitions, open, out);
  else if (type === 'map') walk(schema.values as SchemaJson, ns, `${path}{}`, definitions, open, out);
  else if (type === 'record' || type === 'error')
    walkFields(schema, definedName(schema, ns), path, definitions, open, out);
}

function walkFields(
  schema: SchemaObject,
  name: string,
  path: string,
  definitions: ReadonlyMap<string, SchemaObject>,
  open: Set<string>,
  out: PiiField[],
): void {
  if (open.has(name)) return; // a recursive record lists its fields once
  open.add(name);
  for (const field of schema.fields ?? []) {
    const fieldPath = path ? `${path}.${field.name}` : field.name;
    if (typeof field.pii === 'string') {
      if (!(PII_LEVELS as readonly string[]).includes(field.pii)) {
        throw new Error(`${name}.${field.name}: pii must be one of ${PII_LEVELS.join(', ')}, not ${field.pii}`);
      }
      out.push({ path: fieldPath, level: field.pii as PiiLevel, doc: field.doc ?? '' });
    }
    walk(field.type, namespaceOf(name), fieldPath, definitions, open, out);
  }
  open.delete(name);
}
