// Sends the demo load through @adtrace/producer at a rate: batches of whatever is due, a
// progress callback, an abort signal. Each event starts its own trace (sampled at `sampleRatio`).
//
// A broker that goes away mid-run (restarted by ops, a long election) is waited for, as a
// production producer does: the batch it was sending is sent again, with the same request ids
// and trace ids (ingest de-duplicates a request that was written the first time after all), and
// the load's clock pauses while it waits, so it resumes at its rate instead of in a burst. A
// broker or topic that is not there when the load starts is an error, said at once: the load
// waits only once its broker has acknowledged a first batch.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoUser } from '@adtrace/ads';
import { type BidRequestProducer, createBidRequestProducer, newTraceparent } from '@adtrace/producer';
import type { Kafka } from 'kafkajs';
import { transientReason } from '../transient.ts';
import { generateLoad, type LoadTruth } from './openrtb-load.ts';
import { dueAtMs, dueCount } from './pacing.ts';

/** Between two attempts while the broker is away (each attempt is kafkajs's own retries first). */
const BROKER_AWAY_PAUSE_MS = 1_000;

export interface LoadRun {
  readonly events: number;
  readonly rate: number;
  readonly seed: number;
  readonly topic?: string;
  readonly sampleRatio?: number;
  readonly maxBatch?: number;
  /** Every request's tmax (see generateLoad); default the exchanges' 120–300 ms. */
  readonly tmaxMs?: number;
  readonly signal?: AbortSignal;
  /** Called after each batch the broker acknowledged. */
  onProgress?(sent: number, elapsedMs: number): void;
  /** Called with each request's truth just before it is sent (so its impressions are known when they come). */
  beforeSend?(truth: LoadTruth): void;
  /** Called with each sent request's truth and trace id. */
  onSent?(truth: LoadTruth & { readonly traceId: string }): void;
  /** Called when the broker does not answer and the load waits for it (then once per change of reason). */
  onWait?(reason: string): void;
  /** Called when the broker answers again after a wait, with how long the load waited. */
  onResume?(waitedMs: number): void;
}

export interface LoadSummary {
  readonly sent: number;
  readonly elapsedMs: number;
  /** Of elapsedMs, the time spent waiting for a broker that was away. */
  readonly waitedMs: number;
  readonly test: number;
  readonly gdprWithoutConsent: number;
  readonly unfillable: number;
  readonly imps: number;
}

const ABORTED = Symbol('aborted');

/** `work`, or ABORTED as soon as `signal` aborts (the work's own outcome then ignored). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (signal === undefined) return work;
  work.catch(() => {});
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export async function sendLoad(kafka: Kafka, users: readonly DemoUser[], run: LoadRun): Promise<LoadSummary> {
  const maxBatch = run.maxBatch ?? 500;
  const sampleRatio = run.sampleRatio ?? 1;
  const events = generateLoad(users, run.seed, run.events, { tmaxMs: run.tmaxMs });
  const summary = { sent: 0, test: 0, gdprWithoutConsent: 0, unfillable: 0, imps: 0, waitedMs: 0 };
  const began = performance.now();
  // The pacing clock's origin: moved forward by each wait, so a wait makes the load late, not fast.
  let start = began;
  let producer: BidRequestProducer | undefined;
  const connect = () =>
    createBidRequestProducer(kafka, {
      // openrtb-load.test.ts proves every generated request passes ingest's rules: checking each
      // again here would cost a third of the load's CPU.
      validate: false,
      ...(run.topic && { topic: run.topic }),
    });
  /** Stopped while waiting for the broker: the wait so far is part of the summary. */
  const stoppedWaiting = (waitedFrom: number | undefined): undefined => {
    if (waitedFrom !== undefined) summary.waitedMs += performance.now() - waitedFrom;
    return undefined;
  };
  /** Runs `attempt` until it succeeds, waiting out a broker that is away; undefined when aborted. */
  const untilBrokerAnswers = async <T>(attempt: () => Promise<T>): Promise<T | undefined> => {
    const from = performance.now();
    let waitedFrom: number | undefined;
    let said: string | undefined;
    for (;;) {
      try {
        // While waiting, Ctrl-C does not wait for kafkajs's retries to run out: what a pending
        // attempt sends is not counted, and closing the producer ends it.
        const result = waitedFrom === undefined ? await attempt() : await unlessAborted(attempt(), run.signal);
        if (result === ABORTED) return stoppedWaiting(waitedFrom);
        if (waitedFrom !== undefined) {
          const waited = performance.now() - waitedFrom;
          summary.waitedMs += waited;
          start += waited;
          run.onResume?.(waited);
        }
        return result;
      } catch (err) {
        // Stopped (Ctrl-C) while the broker is away: the load ends as stopped, not as an error.
        if (run.signal?.aborted) return stoppedWaiting(waitedFrom ?? from);
        const why = transientReason(err);
        // Until a first batch is acknowledged, a failure is the load's set-up (no broker, a topic
        // that does not exist), said at once rather than waited for.
        if (why === undefined || summary.sent === 0) throw err;
        // From the first attempt: its own retries were the first of the wait.
        waitedFrom ??= from;
        if (why !== said) run.onWait?.(why);
        said = why;
        // A producer whose broker went away is made again: its connections and its idempotence
        // state are the old broker session's.
        await producer?.close().catch(() => {});
        producer = undefined;
        await sleep(BROKER_AWAY_PAUSE_MS, undefined, { signal: run.signal }).catch(() => {});
        if (run.signal?.aborted) return stoppedWaiting(waitedFrom);
      }
    }
  };
  producer = await connect();
  try {
    while (summary.sent < run.events && !run.signal?.aborted) {
      const due = dueCount(performance.now() - start, run.rate, run.events);
      if (due <= summary.sent) {
        await sleep(Math.max(1, start + dueAtMs(summary.sent, run.rate) - performance.now()));
        continue;
      }
      const batch = [];
      for (let n = Math.min(due - summary.sent, maxBatch); n > 0; n--) {
        const next = events.next();
        if (next.done) break;
        run.beforeSend?.(next.value.truth);
        batch.push(next.value);
      }
      // Each request's trace is chosen once, so a batch sent again keeps its trace ids.
      const messages = batch.map((e) => ({ json: e.request, traceparent: newTraceparent(sampleRatio).traceparent }));
      const sent = await untilBrokerAnswers(async () => {
        if (producer === undefined) {
          const connected = await connect();
          // Connected after Ctrl-C gave up on this attempt: nobody else would close it.
          if (run.signal?.aborted) {
            await connected.close();
            throw new Error('stopped');
          }
          producer = connected;
        }
        return producer.send(messages);
      });
      if (sent === undefined) break;
      batch.forEach((e, i) => {
        summary.test += e.truth.test ? 1 : 0;
        summary.gdprWithoutConsent += e.truth.gdprWithoutConsent ? 1 : 0;
        summary.unfillable += e.truth.unfillable ? 1 : 0;
        summary.imps += e.truth.imps.length;
        run.onSent?.({ ...e.truth, traceId: sent[i]!.traceId });
      });
      summary.sent += batch.length;
      run.onProgress?.(summary.sent, performance.now() - began);
    }
  } finally {
    await producer?.close();
  }
  return { ...summary, elapsedMs: performance.now() - began };
}
