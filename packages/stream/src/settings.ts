import { readFileSync } from 'node:fs';
import { readEnv as readStreamEnv, type StreamEnv, streamVariables } from './config.ts';
import { ConfigError } from './errors.ts';

/**
 * A service's own settings, beside the runtime's (`readEnv`/`toConfig`): the same two steps and
 * the same errors, so every service reads, checks and names its variables one way.
 */

/** A service's settings, unparsed: the runtime's under `stream`, its own by name. */
export type ServiceEnv<N extends string> = { readonly stream: StreamEnv } & { readonly [K in N]?: string };

/**
 * Step one for a service with one hop: its own settings (`names`) and its runtime's (`<PREFIX>_*`
 * knobs, KAFKA_BROKERS), unparsed; a `<PREFIX>_` variable that is neither is a typo that stops
 * start-up, or a stranger's that is warned about (`checkSettingNames`).
 */
export function readServiceEnv<N extends string>(
  prefix: string,
  names: readonly N[],
  env: NodeJS.ProcessEnv = process.env,
): ServiceEnv<N> {
  checkSettingNames(env, [prefix], [...names, ...streamVariables(prefix)]);
  return { stream: readStreamEnv(prefix, env), ...readSettings(names, env) };
}

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

/** Unknown names already warned about: a process reads its settings more than once (tests, the CLI). */
const warned = new Set<string>();

/**
 * Checks the variables under a service's prefixes (`AUCTION` → `AUCTION_*`) against the names its
 * settings read. A name a few edits from a known one is a typo — `AUCTION_SCORED_ADS` for
 * `AUCTION_SCORED_SPANS`, `AGGREGATION_LINGER` for `AGGREGATION_LINGER_MS` — that would otherwise
 * be ignored and the default used without a word: it stops start-up with a ConfigError naming both.
 * Any other unknown name may be someone else's (a tool's, a platform's), so it is only warned
 * about (a process warning, in the service's log). Empty values are unset, as everywhere here.
 */
export function checkSettingNames(env: NodeJS.ProcessEnv, prefixes: readonly string[], known: Iterable<string>): void {
  const names = new Set(known);
  for (const name of Object.keys(env).sort()) {
    if (!env[name]?.trim() || names.has(name) || !prefixes.some((p) => name.startsWith(`${p}_`))) continue;
    const near = nearestName(name, names);
    if (near) throw new ConfigError(name, `no setting has this name; did you mean ${near}?`);
    if (warned.has(name)) continue;
    warned.add(name);
    process.emitWarning(`${name} is set, but no setting of this service has that name: ignored`, 'ConfigWarning');
  }
}

/** The known name fewest edits away (Levenshtein), if that is at most a quarter of its length (and 2 or more). */
function nearestName(name: string, known: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}
