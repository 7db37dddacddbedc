import type { SchemaJson } from '../avro/schema-json.ts';

/** The .avsc files codegen works from, already parsed; paths are relative to the repository root. */
export interface SchemaSources {
  /** `schemas/<Name>.avsc` by name. */
  readonly current: ReadonlyMap<string, SchemaJson>;
  /** `schemas/history/<Name>.v<N>.avsc` by record name, ascending versions. */
  readonly history: ReadonlyMap<string, readonly HistoryEntry[]>;
}

export interface HistoryEntry {
  readonly version: number;
  readonly path: string;
  readonly schema: SchemaJson;
}

export const SCHEMAS_DIR = 'schemas';
export const HISTORY_DIR = 'schemas/history';
export const GENERATED_DIR = 'packages/schemas/src/generated';

export const HISTORY_FILE = /^([A-Za-z_][A-Za-z0-9_]*)\.v([1-9][0-9]*)\.avsc$/;

export function historyPath(name: string, version: number): string {
  return `${HISTORY_DIR}/${name}.v${version}.avsc`;
}

export const GENERATED_HEADER =
  '// generated — do not edit. Source: schemas/*.avsc; regenerate with `pnpm --filter @adtrace/schemas codegen`.\n';
