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
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { heldPorts, runCli, type Sandbox, sandbox } from './isolated-cli.ts';

let box: Sandbox | undefined;
afterEach(() => box?.dispose());

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
