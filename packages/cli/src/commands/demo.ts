import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, demoUserEventModel, parseNdjson } from '@adtrace/ads';
import { type Campaign, Topics } from '@adtrace/schemas';
import { MAX_NO_FILL_TRACES, MAX_TRACE_STAGES, type NoFillReport, type StageReport } from '@adtrace/warehouse';
import { type Command, info, print, UsageError } from '../command.ts';
import { pipelineWindows } from '../load/pipeline-windows.ts';
import { sendLoad } from '../load/send-load.ts';
import { startTracker } from '../load/track-user-events.ts';
import { createUserEventLoad } from '../load/user-event-load.ts';
import {
  addOutcomes,
  type DemoSummary,
  type Outcomes,
  type RequestFate,
  type RoasRow,
  type SentRequest,
  summarize,
} from '../pipeline/demo-summary.ts';
import { waitForFates } from '../pipeline/demo-wait.ts';
import { DEMO_TMAX_MS, runPipeline } from '../pipeline/run-pipeline.ts';
import { ms, pct, table, usd } from '../views/format.ts';
import { getJson, noFillsOf, traceStagesOf } from '../views/warehouse-api.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the pipeline for N demo requests: send, wait until every event is through, summarize, stop',
  help: `Usage: adtrace demo [--requests N] [--rate R] [--seed S] [--tmax MS] [--timeout S] [--json]

The bounded form of \`adtrace start\`: brings the pipeline up the same way (broker, topics, every
service, demo catalog and segments), sends N demo OpenRTB requests (default 200) at R per second
(default 100), each its own trace, with the trackers' clicks and conversions of what is served
(drawn from the load's ground truth, as \`adtrace load\` does; those due after the run are not
sent), and waits until every imp has an outcome and every win has
passed aggregation (a test request's win stops at tracking: it never counts in ROAS), as the
warehouse's spans tell, and up to 10 s more for spans still missing from a trace (each service
exports on its own schedule). Then it prints a summary and stops everything it started.

The summary (--json: one object): requests, imps, wins, noFills and noFillReasons (from the
warehouse's auction_outcomes table: one outcome per imp, a win or a no-fill with the auction's
reason code, so wins + noFills = the imps of the requests that reached the auction),
deadLetters, completeTraces (requests whose trace holds the spans of every stage their outcome implies: ingest, profiling and
auction; with a win also delivery, tracking and aggregation), per stage p50/p99 and its share of
cost (the warehouse's storing of its data included, and that part apart: storedShare) and of
latency, cost per 1,000 events, and ROAS per campaign over the demo's windows (once
aggregation has emitted them; a window closes a minute after its events, or after 10 s idle).

Each request's tmax is --tmax ms (default ${DEMO_TMAX_MS}): exchanges give 120–300 ms, but a laptop
running seven services and a broker takes longer, and a request older than its tmax is a
timeout no-fill by design.

Exit 0 when every request got through within --timeout seconds (default 300), else 1.`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        requests: { type: 'string', default: '200' },
        rate: { type: 'string', default: '100' },
        seed: { type: 'string' },
        timeout: { type: 'string', default: '300' },
        tmax: { type: 'string', default: String(DEMO_TMAX_MS) },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const requests = integer(values.requests, '--requests', 1, 1_000_000);
    const rate = integer(values.rate, '--rate', 1, 100_000);
    const timeoutMs = integer(values.timeout, '--timeout', 10, 86_400) * 1000;
    const tmaxMs = integer(values.tmax, '--tmax', 10, 600_000);
    const seed =
      values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer(values.seed, '--seed', 0, 2 ** 32 - 1);

    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (!stop.signal.aborted) info(`\n${sig}: stopping…`);
      stop.abort(new Error(`stopped by ${sig}`));
    };
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    try {
      const { summary, waiting } = await runPipeline(stop.signal, async ({ kafka }) => {
        const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
        const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
        // The trackers' clicks and conversions of what is served, as `adtrace load` draws them.
        const model = demoUserEventModel(campaigns, { seed, windows: pipelineWindows(), drift: null });
        const userEvents = createUserEventLoad({ campaigns, users, model });
        const tracker = await startTracker(kafka, userEvents, {
          impressionsTopic: Topics.impressions,
          userEventsTopic: Topics.userEventsRaw,
        });
        const sinceMs = Date.now();
        const sent: SentRequest[] = [];
        await sendLoad(kafka, users, {
          events: requests,
          rate,
          seed,
          tmaxMs,
          signal: stop.signal,
          beforeSend: (t) => userEvents.request(t),
          onSent: (t) => sent.push({ traceId: t.traceId, imps: t.imps.length, test: t.test }),
        });
        info(`demo: sent ${sent.length} requests (seed ${seed}); waiting for every event to get through`);
        const deadline = Date.now() + timeoutMs;
        const fates = await waitForFates(sent, {
          stages: traceStagesOf,
          batch: MAX_TRACE_STAGES,
          deadline,
          signal: stop.signal,
          progress: (done, of) => info(`demo: ${done} of ${of} requests through`),
        });
        const outcomes = await waitForOutcomes(sent, fates, deadline, stop.signal);
        // Clicks due within seconds of their impression are sent by now; later ones (most
        // conversions) are not: a bounded run ends.
        const clicks = await tracker.finish({ tailMs: 5_000, idleMs: 5_000, signal: stop.signal });
        info(`demo: sent ${clicks.clicks} clicks and ${clicks.conversions} conversions for the impressions served`);
        const waiting = fates.filter((f) => !f.done).length;
        const wins = sent.reduce((n, s, i) => n + (s.test ? 0 : fates[i]!.wins), 0);
        const windows = await waitForWindows(sinceMs, wins, Math.min(deadline, Date.now() + 120_000), stop.signal);
        const report = await getJson<StageReport>('cost', { sinceMs });
        return { summary: summarize(sent, fates, outcomes, report, windows, sinceMs), waiting };
      });
      if (values.json) print(JSON.stringify(summary));
      else print(render(summary));
      if (waiting > 0)
        info(`demo: ${waiting} of ${summary.requests} requests had not got through after ${timeoutMs / 1000} s`);
      return waiting > 0 ? 1 : 0;
    } catch (err) {
      if (stop.signal.aborted) return 1;
      throw err;
    } finally {
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    }
  },
};

/**
 * The demo's auction outcomes from the exact auction_outcomes table (loaded from the outcomes
 * topic, apart from the spans): polled until it holds one per imp of every request the auction
 * decided, or the deadline.
 */
async function waitForOutcomes(
  sent: readonly SentRequest[],
  fates: readonly RequestFate[],
  deadline: number,
  signal: AbortSignal,
): Promise<Outcomes> {
  const expected = sent.reduce((n, s, i) => n + (fates[i]!.deadLettered ? 0 : s.imps), 0);
  for (;;) {
    const reports: NoFillReport[] = [];
    for (let b = 0; b < sent.length; b += MAX_NO_FILL_TRACES) {
      const traceIds = sent.slice(b, b + MAX_NO_FILL_TRACES).map((s) => s.traceId);
      reports.push(await noFillsOf(traceIds));
    }
    const outcomes = addOutcomes(reports);
    if (outcomes.outcomes >= expected || Date.now() > deadline || signal.aborted) {
      if (outcomes.outcomes < expected) info(`demo: the outcomes table holds ${outcomes.outcomes} of ${expected} imps`);
      return outcomes;
    }
    await sleep(1000, undefined, { signal }).catch(() => {});
  }
}

/** ROAS windows of the demo's time, once they count its impressions (aggregation emits a window when it closes). */
async function waitForWindows(
  sinceMs: number,
  wins: number,
  deadline: number,
  signal: AbortSignal,
): Promise<RoasRow[]> {
  const windowStart = Math.floor(sinceMs / 60_000) * 60_000;
  for (;;) {
    const { windows } = await getJson<{ windows: (RoasRow & { impressions: number })[] }>('roas', { limit: 10_000 });
    const ours = windows.filter((w) => w.windowStartMs >= windowStart);
    const impressions = ours.reduce((n, w) => n + w.impressions, 0);
    if (impressions >= wins || Date.now() > deadline || signal.aborted) {
      if (impressions < wins) info(`demo: ROAS windows count ${impressions} of ${wins} impressions so far`);
      return ours;
    }
    await sleep(2000, undefined, { signal }).catch(() => {});
  }
}

function render(s: DemoSummary): string {
  const stages = Object.entries(s.stages).map(([name, st]) => [
    name,
    ms(st.p50Ms),
    ms(st.p99Ms),
    pct(st.latencyShare),
    pct(st.costShare),
    pct(st.storedShare),
  ]);
  const roas = s.roas.map((r) => [
    r.campaignId,
    `$${(r.spendMicros / 1e6).toFixed(2)}`,
    `$${(r.revenueMicros / 1e6).toFixed(2)}`,
    r.roas === null ? '–' : r.roas.toFixed(2),
  ]);
  return [
    `requests ${s.requests}, imps ${s.imps}: ${s.wins} wins, ${s.noFills} no-fills${reasons(s.noFillReasons)}, ${s.deadLetters} dead letters`,
    `complete traces ${s.completeTraces} of ${s.requests}; cost per 1,000 events ${usd(s.costPer1kUsd)}`,
    '',
    table(['STAGE', 'P50', 'P99', 'LATENCY', 'COST', 'OF IT STORING'], stages, 'lrrrrr'),
    '',
    roas.length > 0 ? table(['CAMPAIGN', 'SPEND', 'REVENUE', 'ROAS'], roas, 'lrrr') : 'no ROAS windows yet',
  ].join('\n');
}

const reasons = (r: Record<string, number>) => {
  const listed = Object.entries(r).map(([reason, n]) => `${reason} ${n}`);
  return listed.length > 0 ? ` (${listed.join(', ')})` : '';
};

function integer(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${text}`);
  return n;
}
