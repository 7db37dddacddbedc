import { execFileSync } from 'node:child_process';
import type { SchemaJson } from '../avro/schema-json.ts';
import { SCHEMAS_DIR } from './sources.ts';

/**
 * schemas/*.avsc as committed in git HEAD, by name; undefined when there is no git, no
 * repository or no commit (a tarball, a fresh `git init`). Callers then rely on
 * schemas/history, which is committed with the schemas and so is there on any clone.
 */
export function loadHeadSchemas(root: string): Map<string, SchemaJson> | undefined {
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 16 << 20,
    });
  let listing: string;
  try {
    listing = git('ls-tree', '--name-only', 'HEAD', `${SCHEMAS_DIR}/`);
  } catch {
    return undefined;
  }
  const schemas = new Map<string, SchemaJson>();
  for (const path of listing.split('\n').filter((p) => p.endsWith('.avsc'))) {
    const name = path.slice(SCHEMAS_DIR.length + 1, -'.avsc'.length);
    schemas.set(name, JSON.parse(git('show', `HEAD:${path}`)) as SchemaJson);
  }
  return schemas;
}
