import { readFileSync } from 'node:fs';
import { ConfigError } from './errors.ts';

/**
 * A service's own settings, beside the runtime's (`readEnv`/`toConfig`): the same two steps and
 * the same errors, so every service reads, checks and names its variables one way.
 */

/** Step one: the named variables, trimmed, absent when empty. */
export function readSettings<N extends string>(
  names: readonly N[],
  env: NodeJS.ProcessEnv = process.env,
): { readonly [K in N]?: string } {
  return Object.fromEntries(names.map((n) => [n, env[n]?.trim() || undefined]).filter(([, v]) => v)) as {
    [K in N]?: string;
  };
}

/** An integer setting within bounds, or the fallback when unset; anything else names the variable. */
export function intSetting(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * A secret from `<NAME>` or the file named by `<NAME>_FILE` (what `adtrace up` writes, and how
 * compose and Kubernetes mount secrets). Missing: a ConfigError naming the variable and saying
 * what it is for (`help`). The value is never echoed.
 */
export function secretSetting(settings: object, name: string, help: string): string {
  const read = (key: string) => {
    const v = (settings as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  };
  const file = read(`${name}_FILE`);
  let text = read(name);
  if (text === undefined && file !== undefined) {
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`${name}_FILE`, `cannot read the file: ${(error as Error).message}`);
    }
  }
  if (text === undefined || text === '') throw new ConfigError(name, `required: ${help} (or ${name}_FILE)`);
  return text;
}
