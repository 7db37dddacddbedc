import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stateDir } from './paths.ts';

/** Where a machine's own secrets live: never in the repository (.adtrace is gitignored). */
export const secretsDir = join(stateDir, 'secrets');

/**
 * The environment that gives a locally started service its secrets: for each variable not set
 * (neither `<VAR>` nor `<VAR>_FILE`), a file made once with 32 random bytes (hex) and kept, so a
 * restart gets the same secret — a user key secret that changed on every `up` would re-key every
 * user each time.
 */
export function localSecretEnv(variables: readonly string[], env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const variable of variables) {
    if (env[variable]?.trim() || env[`${variable}_FILE`]?.trim()) continue;
    const file = join(secretsDir, variable.toLowerCase());
    if (!existsSync(file) || readFileSync(file, 'utf8').trim() === '') {
      mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
      writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    out[`${variable}_FILE`] = file;
  }
  return out;
}

/**
 * The user key secret ingest uses, read the way ingest reads it (INGEST_USER_KEY_SECRET, else
 * the file INGEST_USER_KEY_SECRET_FILE names, trimmed, else the machine's own file, made here
 * if `up` has not made it yet): keys made with it are the keys ingest makes.
 */
export function ingestUserKeySecret(env: NodeJS.ProcessEnv = process.env): string {
  const variable = 'INGEST_USER_KEY_SECRET';
  if (env[variable] !== undefined) return env[variable];
  const file = env[`${variable}_FILE`] ?? localSecretEnv([variable], env)[`${variable}_FILE`];
  return readFileSync(file as string, 'utf8').trim();
}
