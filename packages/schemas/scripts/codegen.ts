// Regenerates src/generated/ and snapshots new schema versions into schemas/history/.
// Usage: pnpm --filter @adtrace/schemas codegen   (or: node packages/schemas/scripts/codegen.ts)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSchemaSources, REPO_ROOT } from '../src/codegen/load-sources.ts';
import { planGeneration } from '../src/codegen/plan.ts';

// A history file counts as released once it is in git HEAD; without git, every file does.
function isReleased(path: string): boolean {
  try {
    execFileSync('git', ['cat-file', '-e', `HEAD:${path}`], { cwd: REPO_ROOT, stdio: 'ignore' });
    return true;
  } catch {
    return !existsSync(join(REPO_ROOT, '.git'));
  }
}

const plan = planGeneration(loadSchemaSources(), { isReleased });
for (const [path, content] of plan.files) {
  const absolute = join(REPO_ROOT, path);
  if (existsSync(absolute) && readFileSync(absolute, 'utf8') === content) continue;
  mkdirSync(dirname(absolute), { recursive: true });
  writeFileSync(absolute, content);
  console.log(`codegen: wrote ${path}`);
}
