import { describe, expect, it } from 'vitest';
import { projectPerDay } from './stage-stats.ts';
import type { StageReport, StageStats } from './warehouse.ts';

const stage = (name: string, costUsd: number, traceStorageUsd = 0): StageStats => ({
  ...{ stage: name, events: 10, latencyP50Ms: 1, latencyP99Ms: 2, latencyShare: 0.5, costPerEventUsd: costUsd / 10 },
  ...{ costShare: 0, computeUsd: costUsd - traceStorageUsd, kafkaUsd: 0, queryUsd: 0, storageUsd: traceStorageUsd },
  ...{ sharedUsd: traceStorageUsd, traceStorageUsd, storedUsd: traceStorageUsd, costUsd },
});
const report = (stages: StageStats[]): StageReport => ({
  ...{ events: 10, endToEndP50Ms: 1, endToEndP99Ms: 2, costPerEventUsd: 0, stages },
  serving: { events: 0, p50Ms: null, p99Ms: null },
  conversionLag: { events: 0, p50Ms: null, p99Ms: null },
});

describe('projectPerDay', () => {
  it('scales each stage cost per event to N events a day; storing traces only for the sampled share', () => {
    // 10 events measured. auction: $20 → $2 per event; warehouse: $1 of which $0.8 storing traces.
    const p = projectPerDay(report([stage('auction', 20), stage('warehouse', 1, 0.8)]), 1e9, 0.1);
    const byStage = Object.fromEntries(p.stages.map((s) => [s.stage, s]));
    expect(byStage.auction!.usdPerDay).toBeCloseTo(2e9, 3);
    // (1 − 0.8) / 10 × 1e9 + 0.8 / 10 × 1e9 × 0.1 = 2e7 + 8e6
    expect(byStage.warehouse!.usdPerDay).toBeCloseTo(2.8e7, 3);
    expect(p.usdPerDay).toBeCloseTo(2e9 + 2.8e7, 3);
    expect(byStage.auction!.share + byStage.warehouse!.share).toBeCloseTo(1, 12);
  });

  it('is zero with nothing measured, and refuses a ratio outside [0, 1]', () => {
    expect(projectPerDay({ ...report([]), events: 0 }, 1e9, 1).usdPerDay).toBe(0);
    expect(() => projectPerDay(report([]), 1e9, 1.5)).toThrow(/sampling ratio/);
    expect(() => projectPerDay(report([]), -1, 1)).toThrow(/events per day/);
  });
});
