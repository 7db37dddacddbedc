import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, sep } from 'node:path';

// Defaults for service.name and service.version when the environment does not say.

/** services/<name>/src/main.ts → <name>; else the script's file name; else "adtrace". */
export function guessServiceName(): string {
  const script = process.argv[1];
  if (!script) return 'adtrace';
  const parts = script.split(sep);
  const i = parts.lastIndexOf('services');
  return i >= 0 && parts[i + 1] ? parts[i + 1]! : basename(script).replace(/\.[cm]?[jt]s$/, '');
}

/** The version of the nearest package.json above the script (the service's own). */
export function guessServiceVersion(): string {
  let dir = process.argv[1] ? dirname(process.argv[1]) : process.cwd();
  for (let i = 0; i < 6; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  return '0.0.0';
}

/**
 * `service.instance.id` when ADTRACE_INSTANCE_ID is not set: the service name and the host name.
 * Compose containers and Kubernetes pods each have their own host name, and `adtrace up` runs
 * one process per service per host, so this is unique among live instances; unlike the pid it
 * survives a restart, so one instance's spans and metrics stay one series.
 */
export function defaultInstanceId(serviceName: string, host: string = hostname()): string {
  return `${serviceName}@${host}`;
}
