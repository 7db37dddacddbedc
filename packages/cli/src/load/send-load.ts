// Sends the demo load through @adtrace/producer at a rate: batches of whatever is due, a
// progress callback, an abort signal. One trace per event is started by the producer.
import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoUser } from '@adtrace/ads';
import { createBidRequestProducer } from '@adtrace/producer';
import type { Kafka } from 'kafkajs';
import { generateLoad, type LoadTruth } from './openrtb-load.ts';
import { dueAtMs, dueCount } from './pacing.ts';

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
}

export interface LoadSummary {
  readonly sent: number;
  readonly elapsedMs: number;
  readonly test: number;
  readonly gdprWithoutConsent: number;
  readonly unfillable: number;
  readonly imps: number;
}

export async function sendLoad(kafka: Kafka, users: readonly DemoUser[], run: LoadRun): Promise<LoadSummary> {
  const producer = await createBidRequestProducer(kafka, {
    // openrtb-load.test.ts proves every generated request passes ingest's rules: checking each
    // again here would cost a third of the load's CPU.
    validate: false,
    ...(run.topic && { topic: run.topic }),
    ...(run.sampleRatio !== undefined && { sampleRatio: run.sampleRatio }),
  });
  const maxBatch = run.maxBatch ?? 500;
  const events = generateLoad(users, run.seed, run.events, { tmaxMs: run.tmaxMs });
  const summary = { sent: 0, test: 0, gdprWithoutConsent: 0, unfillable: 0, imps: 0 };
  const start = performance.now();
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
      const sent = await producer.send(batch.map((e) => ({ json: e.request })));
      batch.forEach((e, i) => {
        summary.test += e.truth.test ? 1 : 0;
        summary.gdprWithoutConsent += e.truth.gdprWithoutConsent ? 1 : 0;
        summary.unfillable += e.truth.unfillable ? 1 : 0;
        summary.imps += e.truth.imps.length;
        run.onSent?.({ ...e.truth, traceId: sent[i]!.traceId });
      });
      summary.sent += batch.length;
      run.onProgress?.(summary.sent, performance.now() - start);
    }
  } finally {
    await producer.close();
  }
  return { ...summary, elapsedMs: performance.now() - start };
}
