import type { TraceStages } from '@adtrace/warehouse';
import { describe, expect, it } from 'vitest';
import { addOutcomes, requestFate, type SentRequest, summarize } from './demo-summary.ts';

const trace = (
  services: Record<string, number>,
  names: Record<string, number>,
  noFills = 0,
  dead = 0,
): TraceStages => ({
  traceId: 'a'.repeat(32),
  services,
  names,
  noFills,
  deadLettered: dead,
});
const sent = (imps: number, test = false): SentRequest => ({ traceId: 'a'.repeat(32), imps, test });
const serving = { ingest: 2, profiling: 1, auction: 4 };

describe('requestFate', () => {
  it('a no-fill is done and complete with ingest, profiling and auction', () => {
    const f = requestFate(sent(1), trace(serving, { 'ads.auction': 1 }, 1));
    expect(f).toMatchObject({ decided: 1, noFills: 1, wins: 0, done: true, complete: true });
  });

  it('a win is done only once delivery served it, tracking took it and aggregation applied it', () => {
    const decidedOnly = trace(serving, { 'ads.auction': 2 }, 1);
    expect(requestFate(sent(2), decidedOnly).done).toBe(false);
    const tracked = trace(
      { ...serving, delivery: 2, tracking: 1 },
      { 'ads.auction': 2, 'ads.prepare_creative': 1, 'ads.attribute': 1 },
      1,
    );
    expect(requestFate(sent(2), tracked)).toMatchObject({ done: false, complete: false });
    const applied = trace(
      { ...serving, delivery: 2, tracking: 1, aggregation: 1 },
      { 'ads.auction': 2, 'ads.prepare_creative': 1, 'ads.attribute': 1, 'ads.aggregate.apply': 1 },
      1,
    );
    expect(requestFate(sent(2), applied)).toMatchObject({ wins: 1, done: true, complete: true });
  });

  it('a test request’s win needs no aggregation', () => {
    const t = trace(
      { ...serving, delivery: 2, tracking: 1 },
      { 'ads.auction': 1, 'ads.prepare_creative': 1, 'ads.attribute': 1 },
    );
    expect(requestFate(sent(1, true), t)).toMatchObject({ done: true, complete: true });
    expect(requestFate(sent(1, false), t)).toMatchObject({ done: false, complete: false });
  });

  it('waits for every imp; a request missing a stage is done but not complete', () => {
    expect(requestFate(sent(3), trace(serving, { 'ads.auction': 2 }, 2)).done).toBe(false);
    const noProfiling = trace({ ingest: 1, auction: 1 }, { 'ads.auction': 1 }, 1);
    expect(requestFate(sent(1), noProfiling)).toMatchObject({ done: true, complete: false });
  });

  it('a dead-lettered request is done, counted, never complete', () => {
    expect(requestFate(sent(1), trace({ ingest: 1 }, { 'process raw': 1 }, 0, 1))).toMatchObject({
      deadLettered: true,
      done: true,
      complete: false,
    });
  });
});

describe('addOutcomes', () => {
  it('adds batches of the table’s outcomes: wins, no-fills per reason code, most frequent first', () => {
    const o = addOutcomes([
      {
        outcomes: 4,
        wins: 1,
        reasons: [
          { reason: 'TIMEOUT', count: 2 },
          { reason: 'BELOW_FLOOR', count: 1 },
        ],
      },
      { outcomes: 3, wins: 0, reasons: [{ reason: 'BELOW_FLOOR', count: 3 }] },
    ]);
    expect(o).toEqual({ outcomes: 7, wins: 1, noFills: 6, reasons: { BELOW_FLOOR: 4, TIMEOUT: 2 } });
    expect(Object.keys(o.reasons)).toEqual(['BELOW_FLOOR', 'TIMEOUT']);
  });
});

describe('summarize', () => {
  it('adds up the fates, takes the stages from the report and ROAS per campaign from the demo’s windows', () => {
    const fates = [
      requestFate(sent(1), trace(serving, { 'ads.auction': 1 }, 1)),
      requestFate(sent(1), trace({ ingest: 1 }, {}, 0, 1)),
    ];
    const report = {
      costPerEventUsd: 0.000002,
      stages: [
        {
          stage: 'auction',
          events: 1,
          latencyP50Ms: 3,
          latencyP99Ms: 9,
          latencyShare: 0.5,
          costPerEventUsd: 1e-6,
          costShare: 0.25,
          computeUsd: 0,
          kafkaUsd: 0,
          queryUsd: 0,
          storageUsd: 0,
          sharedUsd: 0,
          traceStorageUsd: 0,
          storedUsd: 1e-6,
          costUsd: 4e-6,
        },
      ],
    };
    const since = 1_000_000;
    const windows = [
      { campaignId: 'c1', windowStartMs: since, spendMicros: 100, revenueMicros: 300 },
      { campaignId: 'c1', windowStartMs: since + 60_000, spendMicros: 100, revenueMicros: 0 },
      { campaignId: 'c2', windowStartMs: since, spendMicros: 0, revenueMicros: 0 },
      { campaignId: 'old', windowStartMs: since - 120_000, spendMicros: 999, revenueMicros: 0 },
    ];
    // The counts of wins and no-fills are the table's, whatever the spans said.
    const outcomes = addOutcomes([
      { outcomes: 1, wins: 0, reasons: [{ reason: 'BELOW_FLOOR', count: 1 }] },
      { outcomes: 0, wins: 0, reasons: [] },
    ]);
    const s = summarize([sent(1), sent(1)], fates, outcomes, report, windows, since);
    expect(s).toMatchObject({ requests: 2, imps: 2, wins: 0, noFills: 1, deadLetters: 1, completeTraces: 1 });
    expect(s.noFillReasons).toEqual({ BELOW_FLOOR: 1 });
    expect(s.stages).toEqual({
      auction: { p50Ms: 3, p99Ms: 9, costShare: 0.25, latencyShare: 0.5, storedShare: 0.25 },
    });
    expect(s.costPer1kUsd).toBeCloseTo(0.002);
    expect(s.roas).toEqual([
      { campaignId: 'c1', spendMicros: 200, revenueMicros: 300, roas: 1.5 },
      { campaignId: 'c2', spendMicros: 0, revenueMicros: 0, roas: null },
    ]);
  });
});
