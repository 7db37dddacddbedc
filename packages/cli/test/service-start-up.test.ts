// What `up` and `start` say when a service they started stops before it is ready: how it ended
// (its exit code, or the signal that killed it), not only that it did — a log with no line of
// the service's own said nothing else (a CI run's "ingest exited during start-up", session 30).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/free-port.ts';

// services.ts reads ADTRACE_HOME when it is loaded: set first, then load it.
const home = mkdtempSync(join(tmpdir(), 'adtrace-start-up-'));
process.env.ADTRACE_HOME = home;
const { serviceState, startService, stopService, waitUntilReady } = await import('../src/services.ts');

afterAll(async () => {
  await stopService('ingest', 1_000);
  rmSync(home, { recursive: true, force: true });
});

describe('a service that stops during start-up', () => {
  it('is reported with its exit code', async () => {
    // Readiness is asked where this process's environment says (a free port: a pipeline running
    // on this machine answers on the default one), the child is started with a port it refuses.
    process.env.INGEST_HEALTH_PORT = String(await freePort());
    startService('ingest', { INGEST_HEALTH_PORT: 'not-a-port', ADTRACE_METRICS_PORT: String(await freePort()) });
    const readiness = await waitUntilReady('ingest', 30_000);
    expect(readiness).toEqual({ ready: false, why: 'exited during start-up (exit code 1)' });
  });

  it('is reported with the signal that killed it', async () => {
    // No broker answers here: the service keeps trying and is not ready until it is killed.
    const port = await freePort();
    process.env.INGEST_HEALTH_PORT = String(await freePort());
    startService('ingest', {
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      INGEST_HEALTH_PORT: process.env.INGEST_HEALTH_PORT,
      ADTRACE_METRICS_PORT: String(await freePort()),
    });
    const waiting = waitUntilReady('ingest', 30_000);
    await sleep(500);
    process.kill(serviceState('ingest').pid!, 'SIGKILL');
    expect(await waiting).toEqual({ ready: false, why: 'exited during start-up (killed by SIGKILL)' });
  });
});
