import type avro from 'avsc';

/**
 * Throws if an array of the type could hold items that take no bytes (null, empty records):
 * the block-count guard would then reject valid data. Map entries always take a byte (the key).
 */
export function assertNoZeroWidthItems(type: avro.Type, seen = new Set<avro.Type>()): void {
  if (seen.has(type)) return;
  seen.add(type);
  for (const child of childTypes(type)) assertNoZeroWidthItems(child, seen);
  const t = type as unknown as { typeName: string; itemsType?: avro.Type };
  if (t.typeName === 'array' && mayBeEmpty(t.itemsType!, new Set())) {
    throw new Error(`arrays of zero-width items are not supported: ${JSON.stringify(type.schema())}`);
  }
}

function mayBeEmpty(type: avro.Type, seen: Set<avro.Type>): boolean {
  const t = type as unknown as { typeName: string; size?: number; underlyingType?: avro.Type };
  if (seen.has(type)) return false; // a recursive record needs a union, which takes a byte
  seen.add(type);
  if (t.typeName === 'null') return true;
  if (t.typeName === 'fixed') return t.size === 0;
  if (t.typeName === 'record' || t.typeName === 'error') return childTypes(type).every((c) => mayBeEmpty(c, seen));
  if (t.typeName.startsWith('logical:')) return mayBeEmpty(t.underlyingType!, seen);
  return false;
}

function childTypes(type: avro.Type): avro.Type[] {
  const t = type as unknown as Record<string, unknown> & { typeName: string };
  if (t.typeName === 'array') return [t.itemsType as avro.Type];
  if (t.typeName === 'map') return [t.valuesType as avro.Type];
  if (t.typeName === 'record' || t.typeName === 'error') return (t.fields as { type: avro.Type }[]).map((f) => f.type);
  if (t.typeName.startsWith('union')) return t.types as avro.Type[];
  if (t.typeName.startsWith('logical:')) return [t.underlyingType as avro.Type];
  return [];
}
