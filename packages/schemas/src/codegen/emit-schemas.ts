import type { SchemaJson } from '../avro/schema-json.ts';
import type { HistoryEntry } from './sources.ts';

/**
 * The schemas module: the current self-contained schema of each record and every released
 * version, embedded so that the package reads no files at run time. A version identical to
 * the current schema refers to it instead of repeating it.
 */
export function emitSchemas(
  records: ReadonlyMap<string, SchemaJson>,
  history: ReadonlyMap<string, readonly HistoryEntry[]>,
  equal: (a: unknown, b: unknown) => boolean,
): string {
  const current = [...records].map(([name, schema]) => `  ${name}: ${indent(JSON.stringify(schema, null, 2))},`);
  const versions = [...records].map(([name, schema]) => {
    const items = (history.get(name) ?? []).map((v) =>
      equal(v.schema, schema) ? `currentSchemas.${name}` : indent(JSON.stringify(v.schema, null, 2), 4),
    );
    return `  ${name}: [\n    ${items.join(',\n    ')},\n  ],`;
  });
  return [
    "import type { SchemaJson } from '../avro/schema-json.ts';",
    "import type { RecordName } from './types.ts';\n",
    '/** The current schema of each record, with the types it refers to inlined. */',
    'export const currentSchemas: Readonly<Record<RecordName, SchemaJson>> = {',
    ...current,
    '};\n',
    '/** Every released version of each record (index 0 is v1); the last one reads like the current schema. */',
    'export const schemaHistory: Readonly<Record<RecordName, readonly SchemaJson[]>> = {',
    ...versions,
    '};\n',
  ].join('\n');
}

function indent(text: string, spaces = 2): string {
  return text.replaceAll('\n', `\n${' '.repeat(spaces)}`);
}
