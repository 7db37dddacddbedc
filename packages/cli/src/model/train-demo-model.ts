// `adtrace model train`: the pCTR model learned from impressions and clicks simulated from the
// demo ground truth (packages/ads demo/ground-truth.ts), and its calibration on a hold-out drawn
// with another seed — mean predicted ÷ observed CTR, and ÷ the true CTR the clicks came from.
// The same options give the same file (the defaults are those the shipped model was made with).
import {
  buildAdIndex,
  type Calibration,
  type DemoUser,
  evaluateCalibration,
  GROUND_TRUTH_VERSION,
  type PctrModelFile,
  simulateImpressions,
  trainPctrModel,
} from '@adtrace/ads';
import type { Campaign } from '@adtrace/schemas';

export interface TrainRun {
  readonly modelVersion: string;
  /** Training impressions (one FTRL pass). */
  readonly examples: number;
  readonly seed: number;
  /** Impressions kept apart to re-centre the bias. */
  readonly calibrationExamples: number;
  readonly calibrationSeed: number;
  /** Held-out impressions the calibration is reported on. */
  readonly holdoutExamples: number;
  readonly holdoutSeed: number;
}

export const DEFAULT_TRAIN_RUN: TrainRun = {
  modelVersion: 'pctr-demo-1',
  examples: 2_000_000,
  seed: 1,
  calibrationExamples: 500_000,
  calibrationSeed: 5,
  holdoutExamples: 300_000,
  holdoutSeed: 2,
};

export interface TrainedModel {
  /** The model file with `training.holdout` (its calibration) recorded in it. */
  readonly file: PctrModelFile;
  readonly holdout: Calibration;
}

export function trainDemoModel(
  catalog: readonly Campaign[],
  users: readonly DemoUser[],
  run: TrainRun = DEFAULT_TRAIN_RUN,
): TrainedModel {
  for (const seed of [run.calibrationSeed, run.holdoutSeed])
    if (seed === run.seed) throw new Error('the calibration and hold-out seeds must differ from the training seed');
  const index = buildAdIndex(catalog);
  const file = trainPctrModel(simulateImpressions(index, users, { count: run.examples, seed: run.seed }), {
    modelVersion: run.modelVersion,
    provenance: {
      groundTruth: GROUND_TRUTH_VERSION,
      catalog: 'data/demo-catalog.ndjson',
      seed: run.seed,
      calibrationSet: { count: run.calibrationExamples, seed: run.calibrationSeed },
    },
    calibrationSet: simulateImpressions(index, users, { count: run.calibrationExamples, seed: run.calibrationSeed }),
  });
  const holdoutSet = { count: run.holdoutExamples, seed: run.holdoutSeed };
  const holdout = evaluateCalibration(file, simulateImpressions(index, users, holdoutSet));
  return { file: { ...file, training: { ...file.training, holdout: { ...holdoutSet, ...holdout } } }, holdout };
}
