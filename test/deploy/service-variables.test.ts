// Each service refuses a variable under its prefix that is a few edits from one of its settings
// (a typo) and warns about any other it does not know (@adtrace/stream checkSettingNames). So
// every variable that docker-compose.yml, deploy/k8s and `adtrace up` give a service must be one
// it reads: checked here against each service's own readEnv, with no warning either.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ServiceEntry, serviceRegistry } from '@adtrace/cli';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, { environment?: Record<string, unknown> }>;
};

interface Container {
  env?: { name: string }[];
}
function k8sVariables(name: string): string[] {
  const docs = parseAllDocuments(readFileSync(join(root, 'deploy', 'k8s', `${name}.yaml`), 'utf8')).map(
    (d) => d.toJS() as { kind: string; spec?: { template?: { spec?: { containers?: Container[] } } } },
  );
  const containers = docs
    .filter((d) => d.kind === 'Deployment')
    .flatMap((d) => d.spec?.template?.spec?.containers ?? []);
  return containers.flatMap((c) => (c.env ?? []).map((e) => e.name));
}

/** What `adtrace up` sets for it: its ports, its secrets as files, its generation. */
function upVariables(s: ServiceEntry): string[] {
  return [
    s.ready.portVar,
    ...(s.ui ? [s.ui.portVar] : []),
    ...(s.secrets ?? []).flatMap((v) => [v, `${v}_FILE`]),
    ...(s.generations ? [s.generations.variable, s.generations.groupVariable] : []),
  ];
}

type ReadEnv = (env: NodeJS.ProcessEnv) => unknown;
const readEnvOf = async (name: string): Promise<ReadEnv> =>
  ((await import(join(root, 'services', name, 'src', 'config.ts'))) as { readEnv: ReadEnv }).readEnv;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the variables each service is given', () => {
  it.each(serviceRegistry.map((s) => [s.name, s] as const))('%s reads every one of them', async (name, entry) => {
    const names = new Set([
      ...Object.keys(compose.services[name]?.environment ?? {}),
      ...k8sVariables(name),
      ...upVariables(entry),
    ]);
    expect(names.size).toBeGreaterThan(3);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const readEnv = await readEnvOf(name);
    expect(() => readEnv(Object.fromEntries([...names].map((n) => [n, '1'])))).not.toThrow();
    expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([]);
  });
});
