// `adtrace demo --requests N --json`, as a user runs it: it brings the whole pipeline up (every
// service its own process), sends N demo requests, waits until each has gone as far as its
// outcome implies, prints one JSON object and stops everything it started.
import { pipelineTopics, Topics } from '@adtrace/schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { testBrokers, testKafka } from '../support/kafka.ts';
import { heldPorts, runCli, type Sandbox, sandbox } from './isolated-cli.ts';

let box: Sandbox | undefined;
afterEach(() => box?.dispose());

interface DemoJson {
  requests: number;
  imps: number;
  wins: number;
  noFills: number;
  noFillReasons: Record<string, number>;
  deadLetters: number;
  completeTraces: number;
  stages: Record<
    string,
    { p50Ms: number; p99Ms: number; costShare: number; latencyShare: number; storedShare: number }
  >;
  costPer1kUsd: number;
  roas: { campaignId: string; spendMicros: number; revenueMicros: number; roas: number | null }[];
}

describe('adtrace demo', () => {
  it('sends N requests, waits until every event is through, prints the summary as JSON, leaves nothing', async () => {
    box = await sandbox(testBrokers());
    const defaultsBefore = await existing(Object.values(Topics));
    // A fresh seed: request ids repeat with a seed, and ingest drops a request id it has seen.
    const seed = String(Math.floor(Math.random() * 2 ** 31));
    // 80 requests (~160 imps): no-fills are ~7 % of the demo's imps, and 40 requests (~80 imps)
    // had none about once in 400 runs (a CI run saw it), failing `noFills > 0` below by chance.
    const run = runCli(box, ['demo', '--requests', '80', '--rate', '40', '--seed', seed, '--json']);
    expect(await run.exited, run.output()).toBe(0);
    const line = run
      .output()
      .split('\n')
      .find((l) => l.startsWith('{"requests"'));
    expect(line, run.output()).toBeDefined();
    const s = JSON.parse(line!) as DemoJson;
    expect(s.requests).toBe(80);
    expect(s.imps).toBeGreaterThanOrEqual(80);
    // Every imp of every request that was not dead-lettered has an outcome: a win or a no-fill.
    expect(s.deadLetters).toBe(0);
    expect(s.wins + s.noFills).toBe(s.imps);
    expect(s.wins).toBeGreaterThan(0);
    expect(s.noFills).toBeGreaterThan(0);
    // Counted from the outcomes table, per imp, by the auction's reason codes.
    expect(Object.values(s.noFillReasons).reduce((a, b) => a + b, 0)).toBe(s.noFills);
    expect(s.completeTraces).toBe(s.requests);
    // The six services, and the warehouse: its loads are shared work (no span per loaded record),
    // in the report by their cost.
    const stages = Object.keys(s.stages).sort();
    expect(stages).toEqual(['aggregation', 'auction', 'delivery', 'ingest', 'profiling', 'tracking', 'warehouse']);
    const shares = (k: 'costShare' | 'latencyShare') => Object.values(s.stages).reduce((n, st) => n + st[k], 0);
    expect(shares('costShare')).toBeCloseTo(1, 6);
    expect(shares('latencyShare')).toBeCloseTo(1, 6);
    for (const st of Object.values(s.stages)) expect(st.p99Ms).toBeGreaterThanOrEqual(st.p50Ms);
    // The warehouse's storing of a stage's data is part of that stage's cost; the warehouse keeps none of it.
    expect(s.stages.warehouse!.storedShare).toBe(0);
    for (const name of ['ingest', 'auction', 'delivery', 'tracking']) {
      expect(s.stages[name]!.storedShare, name).toBeGreaterThan(0);
      expect(s.stages[name]!.storedShare, name).toBeLessThanOrEqual(s.stages[name]!.costShare);
    }
    expect(s.costPer1kUsd).toBeGreaterThan(0);
    // ROAS per campaign as the windows aggregation has emitted by the end (a window closes a
    // minute after its events, or 10 s idle): well-formed, not necessarily every impression yet.
    for (const r of s.roas) {
      expect(r.spendMicros).toBeGreaterThanOrEqual(0);
      expect(r.roas === null || r.roas === r.revenueMicros / r.spendMicros).toBe(true);
    }
    expect(box.leftovers(), 'processes of the pipeline still running').toEqual([]);
    expect(await heldPorts(box), 'ports still held').toEqual([]);
    // Its topics are its namespace's (ADTRACE_TOPIC_NAMESPACE): the tests reuse a broker that
    // answers on the local address, a running pipeline's, and a sandbox on the default names
    // re-read that pipeline's requests with fresh groups and wrote its own copies into its topics.
    const own = pipelineTopics(box.env.ADTRACE_TOPIC_NAMESPACE!);
    expect(await recordsIn(own.bidRequestsRaw)).toBe(80);
    // tracking's internal topic too: two pipelines' trackers shared one.
    const rekeyed = `${box.env.ADTRACE_TOPIC_NAMESPACE}.tracking.user-events-by-user`;
    expect(await existing([rekeyed])).toEqual([rekeyed]);
    expect(await existing(Object.values(Topics)), 'default topics the sandbox created').toEqual(defaultsBefore);
  }, 600_000);
});

/** Which of `topics` exist on the test broker. */
async function existing(topics: readonly string[]): Promise<string[]> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    return topics.filter((t) => present.has(t));
  } finally {
    await admin.disconnect();
  }
}

/** Records written to a topic no transaction writes to (offsets are then records). */
async function recordsIn(topic: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
