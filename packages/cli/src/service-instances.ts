import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDir } from './paths.ts';

/**
 * A second process of a registered service, under a name of its own (`aggregation-g1`: a
 * rebuild's generation beside the live one): its own pid file, log, ports and environment.
 * `status` shows it, `down` stops it (and forgets it); `up` never starts one by itself.
 */
export interface ServiceInstance {
  readonly name: string;
  /** The registered service whose main it runs. */
  readonly service: string;
  readonly readyPort: number;
  readonly metricsPort: number;
  /** Set on top of the service's environment. */
  readonly env: Readonly<Record<string, string>>;
}

const SUFFIX = '.instance.json';
const instanceFile = (name: string) => join(runDir, `${name}${SUFFIX}`);
/** Variables a registered service gets from now on (e.g. the generation aggregation runs). */
const overridesFile = (service: string) => join(runDir, `${service}.env.json`);

export function readInstance(name: string): ServiceInstance | undefined {
  const file = instanceFile(name);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ServiceInstance) : undefined;
}

export function saveInstance(instance: ServiceInstance): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(instanceFile(instance.name), JSON.stringify(instance));
}

export function forgetInstance(name: string): void {
  rmSync(instanceFile(name), { force: true });
}

export function listInstances(): ServiceInstance[] {
  if (!existsSync(runDir)) return [];
  return readdirSync(runDir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => readInstance(f.slice(0, -SUFFIX.length)))
    .filter((i): i is ServiceInstance => i !== undefined)
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

export function serviceOverrides(service: string): Record<string, string> {
  const file = overridesFile(service);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
}

export function saveServiceOverrides(service: string, env: Readonly<Record<string, string>>): void {
  mkdirSync(runDir, { recursive: true });
  writeFileSync(overridesFile(service), JSON.stringify(env));
}
