import { readFileSync } from 'node:fs';
import type { Campaign } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { buildAdIndex } from '../ad-index.ts';
import { loadPctrModel } from '../pctr/model.ts';
import { evaluateCalibration, trainPctrModel } from '../pctr/train.ts';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, parseNdjson, SHIPPED_PCTR_MODEL_URL } from './files.ts';
import { simulateImpressions, trueCtr } from './ground-truth.ts';
import type { DemoUser } from './users.ts';

// Reads the package's committed data files (no other I/O): the shipped model is judged on them.
const index = buildAdIndex(parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8')));
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const shipped = loadPctrModel(JSON.parse(readFileSync(SHIPPED_PCTR_MODEL_URL, 'utf8')));

describe('ground truth', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number) =>
      [...simulateImpressions(index, users, { count: 2_000, seed })].map((i) => `${i.entry.ad.id}:${i.clicked}`);
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it('CTRs are realistic and depend on ad, context and the user-ad similarity', () => {
    const sims = [...simulateImpressions(index, users, { count: 20_000, seed: 5 })];
    const mean = sims.reduce((s, i) => s + i.trueCtr, 0) / sims.length;
    expect(mean).toBeGreaterThan(0.005);
    expect(mean).toBeLessThan(0.05);
    const { ctx, entry } = sims[0]!;
    expect(trueCtr(entry.campaign, entry.ad, ctx, 0.8)).toBeGreaterThan(trueCtr(entry.campaign, entry.ad, ctx, 0));
    expect(trueCtr(entry.campaign, entry.ad, { ...ctx, pos: 1 }, 0.3)).toBeGreaterThan(
      trueCtr(entry.campaign, entry.ad, { ...ctx, pos: 3 }, 0.3),
    );
  });
});

describe('the shipped pCTR model', () => {
  // Calibration = mean predicted CTR ÷ observed CTR (He et al. 2014): 1 is perfect, > 1 over-predicts.
  // Held-out: seed 3 was used neither for training (seed 1) nor for the file's own evaluation (seed 2).
  const holdout = evaluateCalibration(shipped, simulateImpressions(index, users, { count: 300_000, seed: 3 }));

  it('is calibrated within 5 % on held-out simulated impressions', () => {
    expect(holdout.calibration).toBeGreaterThan(0.95);
    expect(holdout.calibration).toBeLessThan(1.05);
    expect(holdout.calibrationVsTruth).toBeGreaterThan(0.95);
    expect(holdout.calibrationVsTruth).toBeLessThan(1.05);
  });

  it('predicts better than the base rate (lower log loss)', () => {
    expect(holdout.logLoss).toBeLessThan(holdout.baselineLogLoss * 0.97);
  });

  it('is calibrated per creative format too, within 15 %', () => {
    const sims = [...simulateImpressions(index, users, { count: 200_000, seed: 4 })];
    for (const video of [true, false]) {
      const part = sims.filter((s) => (s.entry.ad.creative.format === 'VIDEO') === video);
      const c = evaluateCalibration(shipped, part);
      expect(Math.abs(c.calibrationVsTruth - 1)).toBeLessThan(0.15);
    }
  });

  it('re-centring makes mean predicted = observed CTR on the calibration set', () => {
    const set = () => simulateImpressions(index, users, { count: 20_000, seed: 21 });
    const file = trainPctrModel(simulateImpressions(index, users, { count: 20_000, seed: 20 }), {
      modelVersion: 't',
      hashBits: 14,
      calibrationSet: set(),
    });
    expect(file.training.biasShift).not.toBe(0);
    expect(evaluateCalibration(file, set()).calibration).toBeCloseTo(1, 3);
  });

  it('training is deterministic: the same examples give the same file', () => {
    const train = () =>
      trainPctrModel(simulateImpressions(index, users, { count: 5_000, seed: 9 }), { modelVersion: 't', hashBits: 14 });
    expect(train()).toEqual(train());
  });
});
