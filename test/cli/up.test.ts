// `adtrace up` creates the topics a service needs (idempotently) and says `started` only once the
// service's readiness endpoint answers; a service that does not get ready is stopped, the end of
// its log is printed and up exits 1.
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { topicSpecsOf } from '@adtrace/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { testBrokers, testKafka } from '../support/kafka.ts';
import { heldPorts, runCli, type Sandbox, sandbox } from './isolated-cli.ts';

let box: Sandbox | undefined;
afterEach(() => box?.dispose());

describe('adtrace up', () => {
  it('creates missing topics, reports the warehouse started once /readyz answers 200, down stops it', async () => {
    box = await sandbox(testBrokers());
    const up = runCli(box, ['up', 'warehouse']);
    expect(await up.exited, up.output()).toBe(0);
    expect(up.output()).toMatch(/topics\s+\d+ created, all present/);
    expect(up.output()).toMatch(/warehouse\s+started, ready/);

    const admin = testKafka().admin();
    await admin.connect();
    const present = new Set(await admin.listTopics());
    await admin.disconnect();
    // The sandbox's own topics (its ADTRACE_TOPIC_NAMESPACE), never a running pipeline's.
    for (const { name } of topicSpecsOf(box.env.ADTRACE_TOPIC_NAMESPACE!)) expect(present.has(name), name).toBe(true);
    const ready = await fetch(`http://127.0.0.1:${box.env.WAREHOUSE_LOADER_HEALTH_PORT}/readyz`);
    expect(ready.status).toBe(200);
    const health = await fetch(`http://127.0.0.1:${box.env.WAREHOUSE_API_PORT}/api/health`);
    expect(health.status).toBe(200);
    // The web view's URL: printed by up, given by status --json as "ui", and it serves the page.
    const ui = `http://127.0.0.1:${box.env.WAREHOUSE_API_PORT}/ui/`;
    expect(up.output()).toContain(`web view   ${ui}`);
    const status = runCli(box, ['status', '--json']);
    expect(await status.exited, status.output()).toBe(0);
    const reported = JSON.parse(status.output());
    expect(reported.ui).toBe(ui);
    expect(reported.services.find((s: { name: string }) => s.name === 'warehouse')).toMatchObject({ running: true });
    const page = await fetch(ui);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="app.js">');

    // Again: nothing to create, the running service is left alone.
    const again = runCli(box, ['up', 'warehouse']);
    expect(await again.exited, again.output()).toBe(0);
    expect(again.output()).toMatch(/topics\s+0 created, all present/);
    expect(again.output()).toMatch(/warehouse\s+running, ready/);

    const down = runCli(box, ['down']);
    expect(await down.exited, down.output()).toBe(0);
    expect(box.leftovers()).toEqual([]);
    expect(await heldPorts(box)).toEqual([]);
    const stopped = runCli(box, ['status', '--json']);
    expect(await stopped.exited, stopped.output()).toBe(0);
    expect(JSON.parse(stopped.output()).ui).toBeNull();
  }, 300_000); // five CLI runs, each a Node start-up: generous on a loaded 2-core machine

  it('up ingest: makes the user key secret once, keeps it, and ingest answers /readyz; down stops it', async () => {
    box = await sandbox(testBrokers());
    const up = runCli(box, ['up', 'ingest']);
    expect(await up.exited, up.output()).toBe(0);
    expect(up.output()).toMatch(/ingest\s+started, ready/);
    expect((await fetch(`http://127.0.0.1:${box.env.INGEST_HEALTH_PORT}/readyz`)).status).toBe(200);
    const file = join(box.home, 'secrets', 'ingest_user_key_secret');
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const down = runCli(box, ['down']);
    expect(await down.exited, down.output()).toBe(0);
    expect(box.leftovers()).toEqual([]);
    // A second start keeps the secret: a new one would re-key every user.
    const again = runCli(box, ['up', 'ingest']);
    expect(await again.exited, again.output()).toBe(0);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
    expect(await runCli(box, ['down']).exited).toBe(0);
    expect(box.leftovers()).toEqual([]);
    expect(await heldPorts(box)).toEqual([]);
  });

  it('a service that cannot get ready: its log is shown, it is stopped, up exits 1', async () => {
    box = await sandbox(testBrokers());
    // Another process holds the warehouse's query API port, so the warehouse fails at start-up.
    const port = Number(box.env.WAREHOUSE_API_PORT);
    const holder: Server = await new Promise((resolve) => {
      const s = createServer().listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      const up = runCli(box, ['up', 'warehouse']);
      expect(await up.exited, up.output()).toBe(1);
      expect(up.output()).not.toMatch(/warehouse\s+started/);
      expect(up.output()).toMatch(/warehouse exited during start-up \(exit code 1\); the last lines of/);
      expect(up.output()).toContain('EADDRINUSE');
      expect(box.leftovers()).toEqual([]);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });
});
