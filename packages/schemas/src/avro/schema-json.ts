/**
 * Avro schemas as plain JSON (what a .avsc file holds), and the naming rules of the Avro spec
 * that canonical form, expansion and the compatibility checker all share.
 */
export type SchemaJson = string | SchemaJson[] | SchemaObject;

export interface SchemaObject {
  readonly type: SchemaJson;
  readonly name?: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields?: readonly FieldJson[];
  readonly symbols?: readonly string[];
  readonly items?: SchemaJson;
  readonly values?: SchemaJson;
  readonly size?: number;
  readonly default?: unknown;
  readonly aliases?: readonly string[];
  readonly [attribute: string]: unknown;
}

export interface FieldJson {
  readonly name: string;
  readonly type: SchemaJson;
  readonly doc?: string;
  readonly default?: unknown;
  readonly aliases?: readonly string[];
  readonly [attribute: string]: unknown;
}

export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

export const NAMED_TYPES: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed']);

export function isSchemaObject(schema: SchemaJson): schema is SchemaObject {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** The full name of `name` written inside `namespace`: a dotted name is already full. */
export function fullName(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

/** The namespace a full name sets for the types nested in it. */
export function namespaceOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? undefined : name.slice(0, dot);
}

/** The full name a named type definition gets in the namespace that encloses it. */
export function definedName(schema: SchemaObject, enclosing: string | undefined): string {
  if (typeof schema.name !== 'string') throw new Error(`named type without a name: ${JSON.stringify(schema)}`);
  return fullName(schema.name, schema.namespace ?? enclosing);
}

/** The last part of a full name. */
export function shortName(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}
