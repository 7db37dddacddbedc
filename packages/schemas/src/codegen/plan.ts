import { isDeepStrictEqual } from 'node:util';
import { canonicalForm } from '../avro/canonical-form.ts';
import { expandSchema } from '../avro/expand.ts';
import { isSchemaObject, type SchemaJson } from '../avro/schema-json.ts';
import { emitSchemas } from './emit-schemas.ts';
import { emitTypes } from './emit-types.ts';
import { GENERATED_DIR, GENERATED_HEADER, type HistoryEntry, historyPath, type SchemaSources } from './sources.ts';

export interface GenerationPlan {
  /** Every file codegen owns, by path relative to the repository root, with its content. */
  readonly files: ReadonlyMap<string, string>;
  /** Self-contained current schema of each record. */
  readonly records: ReadonlyMap<string, SchemaJson>;
  /** Versions of each record after this run, the last one the current schema. */
  readonly history: ReadonlyMap<string, readonly HistoryEntry[]>;
}

export interface PlanOptions {
  /**
   * Whether a history file has been released (is in git HEAD). A snapshot that never left
   * this working copy is replaced rather than followed by another version, so that editing a
   * schema twice before committing makes one new version, not two.
   */
  readonly isReleased?: (path: string) => boolean;
}

/** What codegen writes for the given sources. Pure: the staleness test runs it in memory. */
export function planGeneration(sources: SchemaSources, options: PlanOptions = {}): GenerationPlan {
  const isReleased = options.isReleased ?? (() => true);
  const library = [...sources.current.values()];
  const records = new Map<string, SchemaJson>();
  for (const [name, schema] of [...sources.current].sort(([a], [b]) => a.localeCompare(b))) {
    if (isSchemaObject(schema) && schema.type === 'record') records.set(name, expandSchema(schema, library));
  }

  const files = new Map<string, string>();
  const history = new Map<string, readonly HistoryEntry[]>();
  for (const [name, schema] of records) {
    const versions = [...(sources.history.get(name) ?? [])];
    const latest = versions.at(-1);
    if (!latest || canonicalForm(latest.schema) !== canonicalForm(schema)) {
      const replace = latest !== undefined && !isReleased(latest.path);
      const version = replace ? latest.version : (latest?.version ?? 0) + 1;
      const entry = { version, path: historyPath(name, version), schema };
      if (replace) versions.pop();
      versions.push(entry);
      files.set(entry.path, `${JSON.stringify(schema, null, 2)}\n`);
    }
    history.set(name, versions);
  }

  files.set(
    `${GENERATED_DIR}/types.ts`,
    `${GENERATED_HEADER}${emitTypes(records)}\n${emitRecordIndex([...records.keys()])}`,
  );
  files.set(`${GENERATED_DIR}/schemas.ts`, `${GENERATED_HEADER}${emitSchemas(records, history, isDeepStrictEqual)}`);
  return { files, records, history };
}

function emitRecordIndex(names: readonly string[]): string {
  return [
    '/** The record types that travel on topics, by record name. */',
    'export interface RecordTypes {',
    ...names.map((n) => `  readonly ${n}: ${n};`),
    '}\n',
    'export type RecordName = keyof RecordTypes;\n',
    '/** Record names as values, so that code names a record without writing a string literal. */',
    'export const RecordNames = {',
    ...names.map((n) => `  ${n}: '${n}',`),
    '} as const satisfies { readonly [N in RecordName]: N };\n',
  ].join('\n');
}
