// The service as a process, the way `adtrace up` runs it: without the shared keys or secret it
// stops at start-up with one line naming the variable (no stack, no secret), exit code 1; with
// them given as delivery's and ingest's files (what `adtrace up` passes), config goes through.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const start = (env: NodeJS.ProcessEnv) => {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TRACKING|DELIVERY|INGEST)_/.test(k)),
  );
  return spawnSync(process.execPath, [main], { env: { ...clean, ...env }, encoding: 'utf8', timeout: 30_000 });
};

describe('tracking main', () => {
  it('refuses to start without the token keys, naming the variable', () => {
    const run = start({ KAFKA_BROKERS: '127.0.0.1:1', TRACKING_USER_KEY_SECRET: 's'.repeat(40) });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^tracking: TRACKING_TOKEN_KEYS: required: the delivery service’s tracking-token keys/,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a short user key secret from ingest’s file without printing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracking-main-'));
    writeFileSync(join(dir, 'keys'), `${'a'.repeat(64)}\n`);
    writeFileSync(join(dir, 'secret'), 'hunter2-secret\n');
    const run = start({
      KAFKA_BROKERS: '127.0.0.1:1',
      DELIVERY_TOKEN_KEYS_FILE: join(dir, 'keys'),
      INGEST_USER_KEY_SECRET_FILE: join(dir, 'secret'),
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/INGEST_USER_KEY_SECRET_FILE: must be at least 32 bytes/);
    expect(run.stderr).not.toMatch(/hunter2/);
  });
});
