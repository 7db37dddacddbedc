import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SchemaJson } from '../avro/schema-json.ts';
import { HISTORY_DIR, HISTORY_FILE, type HistoryEntry, SCHEMAS_DIR, type SchemaSources } from './sources.ts';

/** The repository root, found from this file rather than the working directory. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

/** Reads schemas/*.avsc and schemas/history/*.avsc. */
export function loadSchemaSources(root: string = REPO_ROOT): SchemaSources {
  const current = new Map<string, SchemaJson>();
  for (const file of avscFiles(join(root, SCHEMAS_DIR))) {
    current.set(file.replace(/\.avsc$/, ''), readJson(join(root, SCHEMAS_DIR, file)));
  }
  const history = new Map<string, HistoryEntry[]>();
  for (const file of avscFiles(join(root, HISTORY_DIR))) {
    const match = HISTORY_FILE.exec(file);
    if (!match) throw new Error(`${HISTORY_DIR}/${file}: expected <Name>.v<N>.avsc`);
    const entries = history.get(match[1]!) ?? [];
    const path = `${HISTORY_DIR}/${file}`;
    entries.push({ version: Number(match[2]), path, schema: readJson(join(root, path)) });
    history.set(match[1]!, entries);
  }
  for (const [name, entries] of history) {
    entries.sort((a, b) => a.version - b.version);
    entries.forEach((e, i) => {
      if (e.version !== i + 1) throw new Error(`${HISTORY_DIR}: ${name} versions must be 1..n without gaps`);
    });
  }
  return { current, history };
}

function avscFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.avsc'))
      .sort();
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function readJson(path: string): SchemaJson {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as SchemaJson;
  } catch (error: unknown) {
    throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
