import type { TraceStages } from '@adtrace/warehouse';
import { describe, expect, it } from 'vitest';
import type { SentRequest } from './demo-summary.ts';
import { waitForFates } from './demo-wait.ts';

const id = 'b'.repeat(32);
const sent: SentRequest[] = [{ traceId: id, imps: 1, test: false }];
// A no-fill: ingest, profiling and auction are the stages its outcome implies.
const decided = (services: Record<string, number>): TraceStages => ({
  traceId: id,
  services,
  names: { 'ads.auction': 1 },
  noFills: 1,
  deadLettered: 0,
});
const withoutProfiling = decided({ ingest: 3, auction: 4 });
const whole = decided({ ingest: 3, profiling: 2, auction: 4 });

/** The warehouse's answers, one per poll, the last repeated. */
function warehouse(answers: readonly TraceStages[]) {
  let polls = 0;
  return {
    stages: async () => [answers[Math.min(polls++, answers.length - 1)]!],
    polls: () => polls,
  };
}

const options = (w: ReturnType<typeof warehouse>, lateSpansMs: number) => ({
  stages: w.stages,
  batch: 10,
  deadline: Date.now() + 60_000,
  signal: new AbortController().signal,
  pollMs: 5,
  lateSpansMs,
});

describe('waitForFates', () => {
  it('waits for a done request’s spans that land after its later stages’', async () => {
    // The auction's span is in at the first poll, profiling's at the third (CI: 39 of 40 complete).
    const late = warehouse([withoutProfiling, withoutProfiling, whole]);
    const [fate] = await waitForFates(sent, options(late, 5_000));
    expect(fate).toMatchObject({ done: true, complete: true });
    expect(late.polls()).toBe(3);
    // Stopping as soon as every request is done (no time for late spans) counted it incomplete.
    const [early] = await waitForFates(sent, options(warehouse([withoutProfiling, whole]), 0));
    expect(early).toMatchObject({ done: true, complete: false });
  });

  it('gives up on a span that never comes after lateSpansMs, not at the deadline', async () => {
    const started = Date.now();
    const [fate] = await waitForFates(sent, options(warehouse([withoutProfiling]), 200));
    expect(fate).toMatchObject({ done: true, complete: false });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('returns at once when every trace is complete', async () => {
    const w = warehouse([whole]);
    const [fate] = await waitForFates(sent, options(w, 5_000));
    expect(fate).toMatchObject({ done: true, complete: true });
    expect(w.polls()).toBe(1);
  });
});
