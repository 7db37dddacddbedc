// The service as a process, the way `adtrace up` runs it: without its token keys it stops at
// start-up with one line naming the variable (no stack, no secret), exit code 1.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const start = (env: NodeJS.ProcessEnv) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DELIVERY_')));
  return spawnSync(process.execPath, [main], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 30_000 });
};

describe('delivery main', () => {
  it('refuses to start without DELIVERY_TOKEN_KEYS, naming it', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^delivery: DELIVERY_TOKEN_KEYS: required: the tracking-token signing keys/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a short key without printing it', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', DELIVERY_TOKEN_KEYS: 'k1=hunter2-secret' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/DELIVERY_TOKEN_KEYS: token key k1 must be at least 32 bytes/);
    expect(run.stderr).not.toMatch(/hunter2/);
  });
});
