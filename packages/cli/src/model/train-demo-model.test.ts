import { readFileSync } from 'node:fs';
import { DEMO_CATALOG_URL, DEMO_USERS_URL, type DemoUser, loadPctrModel, parseNdjson } from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_RUN, trainDemoModel } from './train-demo-model.ts';

const catalog = parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8'));
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));

describe('trainDemoModel', () => {
  it('learns a loadable model that is calibrated against the ground truth on a hold-out', () => {
    const run = {
      ...DEFAULT_TRAIN_RUN,
      modelVersion: 'pctr-test',
      examples: 60_000,
      calibrationExamples: 20_000,
      holdoutExamples: 30_000,
    };
    const { file, holdout } = trainDemoModel(catalog, users, run);
    expect(loadPctrModel(file).modelVersion).toBe('pctr-test');
    expect(holdout.impressions).toBe(30_000);
    // Small data, so wide bounds; the shipped model (2 M examples) is held to 1.0 ± 0.05 in packages/ads.
    expect(holdout.calibrationVsTruth).toBeGreaterThan(0.85);
    expect(holdout.calibrationVsTruth).toBeLessThan(1.15);
    expect(holdout.logLoss).toBeLessThan(holdout.baselineLogLoss);
    expect(file.training).toMatchObject({ examples: 60_000, holdout: { seed: run.holdoutSeed, count: 30_000 } });
    // Simulating 110 k impressions takes a few seconds, more on a busy machine.
  }, 60_000);

  it('refuses a hold-out drawn with the training seed (it would not be held out)', () => {
    expect(() => trainDemoModel(catalog, users, { ...DEFAULT_TRAIN_RUN, holdoutSeed: DEFAULT_TRAIN_RUN.seed })).toThrow(
      /must differ/,
    );
  });
});
