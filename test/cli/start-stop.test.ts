// `adtrace start` stops everything it started, however it is ended: Ctrl-C (SIGINT to its whole
// process group, as a terminal sends it), SIGTERM, SIGHUP (the terminal closed), and an error of
// its own (a service that dies). Its services run in process groups of their own, so they never
// see the terminal's signal: start must stop them. Afterwards no process carrying the sandbox's
// ADTRACE_HOME is alive and every port it used is free.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { testBrokers } from '../support/kafka.ts';
import { heldPorts, runCli, type Sandbox, sandbox } from './isolated-cli.ts';

let box: Sandbox | undefined;
afterEach(() => box?.dispose());

/** Starts the pipeline and waits until the live view has printed a line. */
async function started(brokers: readonly string[] | undefined) {
  box = await sandbox(brokers);
  const run = runCli(box, ['start']);
  await run.waitFor('running; Ctrl-C stops');
  await run.waitFor('services up: warehouse');
  const warehousePid = Number(readFileSync(join(box.home, 'run', 'warehouse.pid'), 'utf8'));
  return { box, run, warehousePid };
}

async function expectNothingLeft(b: Sandbox) {
  expect(b.leftovers(), 'processes of the pipeline still running').toEqual([]);
  expect(await heldPorts(b), 'ports still held').toEqual([]);
}

describe('adtrace start, ended every way', () => {
  for (const [how, toGroup, signal] of [
    ['Ctrl-C (SIGINT to the process group)', true, 'SIGINT'],
    ['SIGTERM to start alone', false, 'SIGTERM'],
    ['SIGHUP to the process group (terminal closed)', true, 'SIGHUP'],
  ] as const) {
    it(`${how}: stops its services, exits 0, leaves nothing`, async () => {
      const { box, run, warehousePid } = await started(testBrokers());
      const pid = run.child.pid!;
      process.kill(toGroup ? -pid : pid, signal);
      expect(await run.exited, run.output()).toBe(0);
      expect(run.output()).toContain(`${signal}: stopping`);
      expect(run.output()).toMatch(/\nstopped\n$/);
      // The web view's URL once, the page itself (/ui/), as the warehouse gets ready.
      if (signal === 'SIGINT') {
        const lines = run
          .output()
          .split('\n')
          .filter((l) => l.startsWith('web view'));
        expect(lines).toEqual([`web view   http://127.0.0.1:${box.env.WAREHOUSE_API_PORT}/ui/`]);
      }
      expect(box.leftovers()).not.toContain(warehousePid);
      await expectNothingLeft(box);
      // Every service's final export reached the warehouse, which stops after them (stopWaves).
      // Stopped together, every service of a 90 s first run logged its last spans lost (export
      // failed); this shorter run does not always lose the race on that code (stop-waves.test.ts
      // pins the order itself).
      const logs = readdirSync(join(box.home, 'logs'));
      expect(logs).toContain('ingest.log');
      for (const log of logs) {
        const lost = readFileSync(join(box.home, 'logs', log), 'utf8')
          .split('\n')
          .filter((line) => line.includes('telemetry: lost'));
        expect(lost, log).toEqual([]);
      }
    });
  }

  it('a service that dies is an error of its own: start stops the rest, shows its log, exits 1', async () => {
    const { box, run, warehousePid } = await started(testBrokers());
    process.kill(warehousePid, 'SIGKILL');
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toContain('warehouse exited while the pipeline was running');
    expect(run.output()).toContain(`the last lines of ${join(box.home, 'logs', 'warehouse.log')}`);
    await expectNothingLeft(box);
  });

  it('with its own local broker: Ctrl-C stops the services and the broker it started', async () => {
    const { box, run } = await started(undefined);
    expect(run.output()).toContain(`127.0.0.1:${box.env.ADTRACE_KAFKA_PORT} (Kafka`);
    expect(run.output()).toContain('started; stopped on exit');
    expect(box.leftovers().length).toBeGreaterThanOrEqual(3); // start, warehouse, broker
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    await expectNothingLeft(box);
  });

  it('a broker restart while it runs: the live view waits for the broker and carries on', async () => {
    const { box, run } = await started(undefined);
    const stop = runCli(box, ['kafka', 'stop']);
    expect(await stop.exited, stop.output()).toBe(0);
    await run.waitFor('waiting for the broker');
    const at = run.output().length;
    const again = runCli(box, ['kafka', 'start']);
    expect(await again.exited, again.output()).toBe(0);
    await run.waitFor('services up: warehouse', { from: at, timeoutMs: 180_000 });
    expect(run.child.exitCode).toBe(null);
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    await expectNothingLeft(box);
    // Two broker starts and seven services reconnecting: 70 s alone, past 120 s on a busy CI machine.
  }, 300_000);

  it('Ctrl-C while its local broker is still starting leaves nothing either', async () => {
    box = await sandbox(undefined);
    const run = runCli(box, ['start']);
    // The broker's pid file is written as soon as java is spawned, before it is ready.
    const pidFile = join(box.home, 'kafka', 'broker.pid');
    await waitForFile(pidFile);
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    expect(run.output()).not.toContain('running; Ctrl-C stops');
    await expectNothingLeft(box);
  });
});

async function waitForFile(file: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      readFileSync(file);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${file} did not appear`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

// In this file, not its own, so that it never runs beside the tests above: two whole pipelines
// at once on 2 cores, each allocating ports, made services time out or collide on a port.
//
// `adtrace start` sends the trackers' clicks and conversions of what its steady load is served
// (issue 14: "ROAS of the top campaigns"), so revenue flows: before, the load sent bid requests
// only and revenue stayed $0. Run as a user runs it, in a sandbox (isolated-cli.ts: own home and
// ports) with its own local broker: the topics are the pipeline's, which no setting renames, and
// on the shared test broker every request sent would be work for every later sandbox's pipeline
// (its fresh groups read the topics from the beginning), this test's own included.
//
// Revenue is the conversions' value. On the default windows the demo's conversions come up to 5
// minutes after their touch and clicks up to 2: the sandbox runs tracking (and the load, which
// reads the same variables) on a 10-second view window and the shortest click window (60 s), so
// the model scales its delays to them and the first conversions come within seconds.
interface Totals {
  campaigns: { campaignId: string; clicks: number; conversions: number; spendMicros: number; revenueMicros: number }[];
}

describe("adtrace start's trackers", () => {
  it('send clicks and conversions beside the steady load: the warehouse counts clicks and revenue > 0', async () => {
    box = await sandbox(undefined);
    // Start's default rate (the sandbox sends none): conversions are rare (~0.6 % of impressions).
    Object.assign(box.env, {
      ADTRACE_DEMO_RATE: '20',
      TRACKING_CLICK_WINDOW_MS: '60000',
      TRACKING_VIEW_WINDOW_MS: '10000',
    });
    const run = runCli(box, ['start']);
    await run.waitFor('running; Ctrl-C stops');
    expect(run.output()).toContain('trackers   clicks and conversions of what is served');
    const sinceMs = Date.now();
    const api = `http://127.0.0.1:${box.env.WAREHOUSE_API_PORT}/api/campaign-totals?sinceMs=${sinceMs}&limit=1000`;
    // A bound, not a timing: revenue came 112 s after 'running' at load average 18-26 (2 cores).
    const deadline = Date.now() + 240_000;
    let sum = { clicks: 0, conversions: 0, revenueMicros: 0 };
    // Attributed events of this run's time, loaded by the sandbox's warehouse.
    while (sum.clicks === 0 || sum.revenueMicros === 0) {
      if (Date.now() > deadline || run.child.exitCode !== null)
        throw new Error(`no clicks and revenue yet (${JSON.stringify(sum)}):\n${run.output()}`);
      await sleep(2000);
      const res = await fetch(api).catch(() => undefined);
      if (!res?.ok) continue;
      const { campaigns } = (await res.json()) as Totals;
      sum = campaigns.reduce(
        (s, c) => ({
          clicks: s.clicks + c.clicks,
          conversions: s.conversions + c.conversions,
          revenueMicros: s.revenueMicros + c.revenueMicros,
        }),
        { clicks: 0, conversions: 0, revenueMicros: 0 },
      );
    }
    expect(sum.conversions).toBeGreaterThan(0);
    // The live view says how many the trackers sent.
    await run.waitFor(/trackers {4}[1-9]\d* clicks, [1-9]\d* conversions sent/, { timeoutMs: 15_000 });
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited, run.output()).toBe(0);
    expect(box.leftovers(), 'processes of the pipeline still running').toEqual([]);
    expect(await heldPorts(box), 'ports still held').toEqual([]);
  }, 420_000);
});
