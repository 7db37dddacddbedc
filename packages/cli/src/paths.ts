import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root: the nearest folder above this file that holds pnpm-workspace.yaml. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('adtrace: cannot find the workspace root (pnpm-workspace.yaml)');
    dir = up;
  }
  return dir;
}

export const workspaceRoot = findRoot();

/** Everything adtrace writes at run time lives here (gitignored); ADTRACE_HOME moves it. */
export const stateDir = resolve(process.env.ADTRACE_HOME ?? join(workspaceRoot, '.adtrace'));
export const logsDir = join(stateDir, 'logs');
export const runDir = join(stateDir, 'run');
