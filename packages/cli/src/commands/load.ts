import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, demoUserEventModel, parseNdjson } from '@adtrace/ads';
import { type Campaign, Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, info, print, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { LOAD_MIX } from '../load/openrtb-load.ts';
import { progressLine } from '../load/pacing.ts';
import { pipelineWindows } from '../load/pipeline-windows.ts';
import { type LoadSummary, sendLoad } from '../load/send-load.ts';
import { startTracker, type Tracker, type TrackerSummary } from '../load/track-user-events.ts';
import { createUserEventLoad, type UserEventLoad } from '../load/user-event-load.ts';

const MAX_EVENTS = 10_000_000;
const MAX_RATE = 100_000;
const pct = (share: number): string => `${Math.round(share * 100)} %`;

export const loadCommand: Command = {
  name: 'load',
  summary: 'send realistic OpenRTB 2.6 bid requests, one trace each, at a rate',
  help: `Usage: adtrace load [--events N] [--rate R] [--seed S] [--truth FILE] [--no-user-events] [--tail S]
                    [--ctr-drift F --drift-after S] [--tmax MS] [--sample-ratio P] [--topic T]
                    [--impressions-topic T] [--user-events-topic T]

An upstream producer (@adtrace/producer) of OpenRTB 2.6 JSON to ${Topics.bidRequestsRaw}, keyed
by request id, each request starting its own trace (a new traceparent): sites and apps; banner,
video and native imps, 1–3 per request; the demo users (packages/ads/data), a few of them making
most requests so that frequency caps bite; and, mixed in, ${pct(LOAD_MIX.test)} test requests (test: 1),
${pct(LOAD_MIX.unfillable)} requests no demo ad can fill (native only, 970x250, or a 500 USD floor), and
GDPR without consent for ${pct(LOAD_MIX.gdprWithoutConsent)} of the EEA/UK users' requests (the others carry
a TCF string granting purposes 1 and 4). Publish the catalog and segments first
(adtrace campaigns publish; adtrace segments publish) and start the services (adtrace up).

User events (unless --no-user-events): the load follows ${Topics.impressions} and, for each
impression of its requests, plays the trackers: a click with the ground truth's CTR (campaign,
ad, user and placement: packages/ads demo/ground-truth.ts), a conversion after a click or,
rarely, after a view (rates and order values per campaign), sent as JSON to ${Topics.userEventsRaw}
at the time it happens, with \`ts\` its event time. Mixed in at documented shares
(packages/ads demo/user-event-model.ts): late within grace, late beyond it (counted by
aggregation as lateDropped), duplicates, conversions outside the attribution windows, organic
conversions, clicks with a forged signature, and clicks presented after their token expired
(sent only if the run lasts that long). The windows are read from the services' variables
(AGGREGATION_WINDOW_MS, AGGREGATION_GRACE_MS, TRACKING_CLICK_WINDOW_MS, TRACKING_VIEW_WINDOW_MS,
DELIVERY_TOKEN_TTL_MS) with their defaults: give the load the environment the services run with.

  --events N        how many requests (default 1000, at most ${MAX_EVENTS.toLocaleString('en-US')})
  --rate R          requests per second (default 200, at most ${MAX_RATE.toLocaleString('en-US')})
  --seed S          the same seed sends the same requests (request ids included: ingest drops
                    a repeat within its de-duplication window); default a new seed per run
  --truth FILE      NDJSON of what was sent and what the pipeline must end with: a "request"
                    line per request (request id, trace id, demo user id, placement, test, GDPR,
                    unfillable, imps), a "user-event" line per click or conversion (label:
                    genuine, duplicate, forged, expired; lateness; times), then "model" (the
                    truth drawn from) and "expected" (ROAS windows per campaign, attribution
                    of each conversion, fault counts, calibration per model version)
  --no-user-events  requests only
  --tail S          after the last request, keep sending user events for S seconds (default 30)
                    and until no impression came for 5 s; later ones are not sent
  --ctr-drift F     from --drift-after S seconds on, true CTRs × F (the model does not know):
                    aggregation's calibration alert should follow
  --tmax MS         every request's time budget instead of the exchanges' 120–300 ms: the
                    auction answers older requests with TIMEOUT no-fills, so a loaded machine
                    may need more (e.g. 2000)
  --sample-ratio P  share of the started traces marked sampled (default 1)
  --topic T         send to T instead (tests, staging)
  --impressions-topic T, --user-events-topic T   follow / send to these instead

A progress bar on stderr; Ctrl-C stops after the batch in flight.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        events: { type: 'string', default: '1000' },
        rate: { type: 'string', default: '200' },
        seed: { type: 'string' },
        truth: { type: 'string' },
        'sample-ratio': { type: 'string', default: '1' },
        topic: { type: 'string' },
        'user-events': { type: 'boolean', default: true },
        tail: { type: 'string', default: '30' },
        'ctr-drift': { type: 'string' },
        'drift-after': { type: 'string', default: '0' },
        'impressions-topic': { type: 'string' },
        'user-events-topic': { type: 'string' },
        tmax: { type: 'string' },
      },
      allowNegative: true,
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const events = integer(values.events, '--events', 1, MAX_EVENTS);
    const rate = Number(values.rate);
    if (!(rate > 0 && rate <= MAX_RATE)) throw new UsageError(`--rate must be in (0, ${MAX_RATE}], got ${values.rate}`);
    const seed =
      values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : integer(values.seed, '--seed', 0, 2 ** 32 - 1);
    const sampleRatio = Number(values['sample-ratio']);
    if (!(sampleRatio >= 0 && sampleRatio <= 1))
      throw new UsageError(`--sample-ratio must be in [0, 1], got ${values['sample-ratio']}`);
    const tmaxMs = values.tmax === undefined ? undefined : integer(values.tmax, '--tmax', 1, 600_000);
    const tailMs = integer(values.tail, '--tail', 0, 86_400) * 1000;
    const driftAfterMs = integer(values['drift-after'], '--drift-after', 0, 86_400 * 30) * 1000;
    const drift = values['ctr-drift'] === undefined ? undefined : Number(values['ctr-drift']);
    if (drift !== undefined && !(drift > 0 && drift <= 100))
      throw new UsageError(`--ctr-drift must be a factor in (0, 100], got ${values['ctr-drift']}`);
    const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
    const campaigns = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
    const model = demoUserEventModel(campaigns, {
      seed,
      windows: pipelineWindows(),
      drift: drift === undefined ? null : { fromMs: Date.now() + driftAfterMs, ctrFactor: drift },
    });
    const userEvents = values['user-events'] ? createUserEventLoad({ campaigns, users, model }) : undefined;
    const truth = values.truth === undefined ? undefined : openSync(values.truth, 'w');
    const record = (kind: string, body: object) =>
      truth !== undefined && writeSync(truth, `${JSON.stringify({ record: kind, ...body })}\n`);
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const tty = process.stderr.isTTY;
    let lastShown = 0;
    const topic = values.topic ?? Topics.bidRequestsRaw;
    info(`load: ${events.toLocaleString('en-US')} requests at ${rate}/s to ${topic}, seed ${seed}`);
    try {
      const kafka = new Kafka({ clientId: 'adtrace-load', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
      if (userEvents) record('model', model);
      const tracker =
        userEvents &&
        (await startTracker(kafka, userEvents, {
          impressionsTopic: values['impressions-topic'] ?? Topics.impressions,
          userEventsTopic: values['user-events-topic'] ?? Topics.userEventsRaw,
          onSent: (sent) => record('user-event', { ...sent.event, sentAtMs: Date.now() }),
        }));
      let summary: LoadSummary;
      try {
        summary = await sendLoad(kafka, users, {
          events,
          rate,
          seed,
          topic,
          sampleRatio,
          tmaxMs,
          signal: abort.signal,
          beforeSend: userEvents && ((t) => userEvents.request(t)),
          onSent: truth === undefined ? undefined : (t) => record('request', t),
          onWait(reason) {
            if (tty) process.stderr.write('\n');
            info(`load: waiting for the broker (${reason}); the batch is sent again when it answers`);
          },
          onResume: (waitedMs) =>
            info(`load: the broker answers again after ${(waitedMs / 1000).toFixed(1)} s; carrying on`),
          onProgress(sent, elapsedMs) {
            // A bar redrawn in place on a terminal; in a log, a line every 10 %.
            if (tty) process.stderr.write(`\r${progressLine(sent, events, elapsedMs)}`);
            else if (sent === events || sent - lastShown >= events / 10) {
              lastShown = sent;
              info(progressLine(sent, events, elapsedMs));
            }
          },
        });
      } catch (err) {
        // The trackers follow impressions and send on a timer: left running, they would keep the
        // process alive after the error (a broker gone mid-run left `adtrace load` running for good).
        await tracker?.finish({ tailMs: 0, idleMs: 0, signal: AbortSignal.abort() }).catch(() => {});
        throw err;
      }
      if (tty) process.stderr.write('\n');
      const secs = summary.elapsedMs / 1000;
      print(
        `sent ${summary.sent} requests (${summary.imps} imps) in ${secs.toFixed(1)} s, ${Math.round(summary.sent / secs)}/s: ` +
          `${summary.test} test, ${summary.gdprWithoutConsent} GDPR without consent, ${summary.unfillable} unfillable; seed ${seed}` +
          (summary.waitedMs > 0 ? ` (${(summary.waitedMs / 1000).toFixed(1)} s of it waiting for the broker)` : '') +
          (abort.signal.aborted ? ' (stopped)' : ''),
      );
      if (tracker && userEvents) await finishUserEvents(tracker, userEvents, tailMs, abort.signal, record);
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (truth !== undefined) closeSync(truth);
    }
  },
};

async function finishUserEvents(
  tracker: Tracker,
  load: UserEventLoad,
  tailMs: number,
  signal: AbortSignal,
  record: (kind: string, body: object) => unknown,
): Promise<void> {
  info(`load: sending user events for ${tailMs / 1000} s more, until the impressions stop`);
  const sent: TrackerSummary = await tracker.finish({ tailMs, idleMs: 5_000, signal });
  const expected = load.truth();
  record('expected', expected);
  const { impressions, unsent } = load.stats();
  const attributed = expected.conversions.filter((c) => c.touch !== 'NONE').length;
  print(
    `user events for ${impressions} impressions: ${sent.clicks} clicks, ${sent.conversions} conversions ` +
      `(${attributed} attributable); ${sent.forged} forged, ${sent.expired} expired, ${sent.duplicates} duplicates, ` +
      `${sent.lateWithinGrace} late within grace, ${sent.lateBeyondGrace} beyond; ${unsent} not sent (due after the end)`,
  );
}

function integer(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${text}`);
  return n;
}
