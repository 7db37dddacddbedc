import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { type Command, info, print, UsageError } from '../command.ts';
import { runLiveView, ServiceExited } from '../live-view.ts';
import type { LoadTruth } from '../load/openrtb-load.ts';
import { sendLoad } from '../load/send-load.ts';
import { demoTrackers, demoUserEvents } from '../pipeline/demo-trackers.ts';
import { DEMO_TMAX_MS, runPipeline } from '../pipeline/run-pipeline.ts';
import { logTail, serviceState } from '../services.ts';
import { transientReason } from '../transient.ts';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const DEFAULT_RATE = 20;

/** ADTRACE_DEMO_RATE: requests per second of the steady demo load; 0 sends none. */
export function demoRate(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ADTRACE_DEMO_RATE?.trim();
  if (raw === undefined || raw === '') return DEFAULT_RATE;
  const n = Number(raw);
  if (!(Number.isFinite(n) && n >= 0 && n <= 10_000))
    throw new UsageError(`ADTRACE_DEMO_RATE must be a number of requests per second in [0, 10000], got "${raw}"`);
  return n;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run the pipeline with demo data and a steady demo load until Ctrl-C (npm start)',
  help: `Usage: adtrace start

Starts the local broker (unless KAFKA_BROKERS is set or a broker already answers on the local
address), creates the missing topics, starts every service and waits until each is ready,
publishes the demo catalog and the demo users' segments, then sends a steady demo load
(ADTRACE_DEMO_RATE requests/s, default ${DEFAULT_RATE}; 0 for none) with the trackers' clicks and
conversions of what is served, drawn from the demo ground truth as \`adtrace load\` draws them
(ADTRACE_DEMO_USER_EVENTS=0 for none), and prints a live view every 5 s:
services up and spans stored; requests in, no-fill rate, dead letters and cost per 1,000 events;
per stage the records/s it writes (read committed: commit markers are not records), consumer lag
and p50/p99; the ROAS of the top campaigns, provisional over the last 5 minutes of attributed
events and from the closed windows; the clicks and conversions the trackers sent; and the web view's
URL. A broker that is not answering is waited for, never fatal.
Ctrl-C (SIGINT), SIGTERM, SIGHUP or an error of its own (a service that does not get ready or
exits) stops everything it started: the load, the services, then the broker. Exit code 0 after a
signal, 1 after an error.`,
  async run() {
    const rate = demoRate();
    const userEvents = demoUserEvents() && rate > 0;
    const stop = new AbortController();
    const onSignal = (sig: NodeJS.Signals) => {
      if (stop.signal.aborted) return; // npm forwards the terminal's Ctrl-C too: one is enough
      info(`\n${sig}: stopping…`);
      stop.abort(new Error(`stopped by ${sig}`));
    };
    for (const sig of STOP_SIGNALS) process.on(sig, onSignal);
    // After SIGHUP the terminal may be gone: output that cannot be written must not cut the
    // clean-up short.
    const ignore = () => {};
    process.stdout.on('error', ignore);
    process.stderr.on('error', ignore);

    let code = 0;
    try {
      await runPipeline(stop.signal, async ({ kafka, services }) => {
        const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
        const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
        const trackers = userEvents ? demoTrackers(campaigns, users) : undefined;
        print(`load       ${rate} requests/s of demo OpenRTB traffic (ADTRACE_DEMO_RATE)`);
        if (trackers)
          print('trackers   clicks and conversions of what is served, from the demo truth (ADTRACE_DEMO_USER_EVENTS)');
        print('running; Ctrl-C stops');
        // The load stops with the view too (a service that exited ends the view, not the load).
        const loadStop = new AbortController();
        const loadSignal = AbortSignal.any([stop.signal, loadStop.signal]);
        const register = trackers && ((t: LoadTruth) => trackers.load.request(t));
        const load = rate > 0 ? steadyLoad(kafka, users, rate, loadSignal, register) : Promise.resolve();
        const tracking = trackers?.run(kafka, loadSignal) ?? Promise.resolve();
        const lines = trackers && (() => [trackersLine(trackers.sent)]);
        try {
          await Promise.all([runLiveView(services, stop.signal, { pipeline: true, lines }), load, tracking]);
        } finally {
          loadStop.abort();
          await Promise.all([load.catch(() => {}), tracking.catch(() => {})]);
        }
      });
    } catch (err) {
      if (!stop.signal.aborted) {
        code = 1;
        info(`adtrace start: ${err instanceof Error ? err.message : String(err)}`);
        if (err instanceof ServiceExited) {
          for (const name of err.services) info(`the last lines of ${serviceState(name).log}:\n${logTail(name)}`);
        }
        info('stopping…');
      }
    } finally {
      for (const sig of STOP_SIGNALS) process.off(sig, onSignal);
    }
    print(code === 0 ? 'stopped' : 'stopped after the error above');
    return code;
  },
};

/**
 * The demo load until `signal` aborts. A broker that goes away (restarting, electing leaders) is
 * waited for, as the live view does, and the load carries on; any other error ends `start`.
 * (sendLoad waits for a broker that goes away mid-run; this loop, for one not there yet.)
 */
async function steadyLoad(
  kafka: Kafka,
  users: readonly DemoUser[],
  rate: number,
  signal: AbortSignal,
  beforeSend?: (truth: LoadTruth) => void,
): Promise<void> {
  while (!signal.aborted) {
    try {
      await sendLoad(kafka, users, {
        events: 1_000_000_000,
        rate,
        seed: Math.floor(Math.random() * 2 ** 31),
        tmaxMs: DEMO_TMAX_MS,
        signal,
        ...(beforeSend && { beforeSend }),
        // A broker that goes away mid-run is waited for by the load itself, which carries on.
        onWait: (why) => info(`load: waiting for the broker (${why})`),
      });
    } catch (err) {
      const why = transientReason(err);
      if (signal.aborted) return;
      if (why === undefined) throw err;
      info(`load: waiting for the broker (${why})`);
      await sleep(2000, undefined, { signal }).catch(() => {});
    }
  }
}

/** `  trackers    12 clicks, 3 conversions sent`: the live view's proof that user events flow. */
export function trackersLine(sent: { readonly clicks: number; readonly conversions: number }): string {
  return `  trackers    ${sent.clicks} clicks, ${sent.conversions} conversions sent`;
}
