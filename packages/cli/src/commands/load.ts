import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEMO_USERS_URL, type DemoUser, parseNdjson } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import { Kafka, logLevel } from 'kafkajs';
import { type Command, info, print, UsageError } from '../command.ts';
import { kafkaBrokers } from '../kafka-env.ts';
import { LOAD_MIX } from '../load/openrtb-load.ts';
import { progressLine } from '../load/pacing.ts';
import { sendLoad } from '../load/send-load.ts';

const MAX_EVENTS = 10_000_000;
const MAX_RATE = 100_000;
const pct = (share: number): string => `${Math.round(share * 100)} %`;

export const loadCommand: Command = {
  name: 'load',
  summary: 'send realistic OpenRTB 2.6 bid requests, one trace each, at a rate',
  help: `Usage: adtrace load [--events N] [--rate R] [--seed S] [--truth FILE] [--sample-ratio P] [--topic T]

An upstream producer (@adtrace/producer) of OpenRTB 2.6 JSON to ${Topics.bidRequestsRaw}, keyed
by request id, each request starting its own trace (a new traceparent): sites and apps; banner,
video and native imps, 1–3 per request; the demo users (packages/ads/data), a few of them making
most requests so that frequency caps bite; and, mixed in, ${pct(LOAD_MIX.test)} test requests (test: 1),
${pct(LOAD_MIX.unfillable)} requests no demo ad can fill (native only, 970x250, or a 500 USD floor), and
GDPR without consent for ${pct(LOAD_MIX.gdprWithoutConsent)} of the EEA/UK users' requests (the others carry
a TCF string granting purposes 1 and 4). Publish the catalog and segments first
(adtrace campaigns publish; adtrace segments publish) and start the services (adtrace up).

  --events N        how many requests (default 1000, at most ${MAX_EVENTS.toLocaleString('en-US')})
  --rate R          requests per second (default 200, at most ${MAX_RATE.toLocaleString('en-US')})
  --seed S          the same seed sends the same requests (request ids included: ingest drops
                    a repeat within its de-duplication window); default a new seed per run
  --truth FILE      write what each request was meant to be, one JSON line each: request id,
                    trace id, demo user id, placement, test, GDPR, unfillable, imp formats
  --sample-ratio P  share of the started traces marked sampled (default 1)
  --topic T         send to T instead (tests, staging)

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
      },
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
    const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
    const truth = values.truth === undefined ? undefined : openSync(values.truth, 'w');
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
      const summary = await sendLoad(kafka, users, {
        events,
        rate,
        seed,
        topic,
        sampleRatio,
        signal: abort.signal,
        onSent: truth === undefined ? undefined : (t) => writeSync(truth, `${JSON.stringify(t)}\n`),
        onProgress(sent, elapsedMs) {
          // A bar redrawn in place on a terminal; in a log, a line every 10 %.
          if (tty) process.stderr.write(`\r${progressLine(sent, events, elapsedMs)}`);
          else if (sent === events || sent - lastShown >= events / 10) {
            lastShown = sent;
            info(progressLine(sent, events, elapsedMs));
          }
        },
      });
      if (tty) process.stderr.write('\n');
      const secs = summary.elapsedMs / 1000;
      print(
        `sent ${summary.sent} requests (${summary.imps} imps) in ${secs.toFixed(1)} s, ${Math.round(summary.sent / secs)}/s: ` +
          `${summary.test} test, ${summary.gdprWithoutConsent} GDPR without consent, ${summary.unfillable} unfillable; seed ${seed}` +
          (abort.signal.aborted ? ' (stopped)' : ''),
      );
      return 0;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (truth !== undefined) closeSync(truth);
    }
  },
};

function integer(text: string, flag: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer in [${min}, ${max}], got ${text}`);
  return n;
}
