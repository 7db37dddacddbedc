// Trains the shipped pCTR model on impressions simulated from the demo ground truth and writes
// models/pctr-demo-1.json, with its held-out calibration in the file's training metadata.
// Run: pnpm --filter @adtrace/ads train-pctr && pnpm format   (`adtrace model train --out` this file does the same;
// the same seeds give the same file, which biome then lays out)
import { readFileSync, writeFileSync } from 'node:fs';
import type { Campaign } from '@adtrace/schemas';
import {
  buildAdIndex,
  DEMO_CATALOG_URL,
  DEMO_USERS_URL,
  type DemoUser,
  evaluateCalibration,
  GROUND_TRUTH_VERSION,
  parseNdjson,
  SHIPPED_PCTR_MODEL_URL,
  simulateImpressions,
  trainPctrModel,
} from '../src/index.ts';

export const TRAIN_EXAMPLES = 2_000_000;
export const TRAIN_SEED = 1;
const CALIBRATION = { count: 500_000, seed: 5 };
const HOLDOUT = { count: 300_000, seed: 2 };

const index = buildAdIndex(parseNdjson<Campaign>(readFileSync(DEMO_CATALOG_URL, 'utf8')));
const users = parseNdjson<DemoUser>(readFileSync(DEMO_USERS_URL, 'utf8'));
const started = performance.now();
const file = trainPctrModel(simulateImpressions(index, users, { count: TRAIN_EXAMPLES, seed: TRAIN_SEED }), {
  modelVersion: 'pctr-demo-1',
  provenance: {
    groundTruth: GROUND_TRUTH_VERSION,
    catalog: 'data/demo-catalog.ndjson',
    seed: TRAIN_SEED,
    calibrationSet: CALIBRATION,
  },
  calibrationSet: simulateImpressions(index, users, CALIBRATION),
});
const trainedMs = performance.now() - started;
const holdout = evaluateCalibration(file, simulateImpressions(index, users, HOLDOUT));
const out = { ...file, training: { ...file.training, holdout: { ...HOLDOUT, ...holdout } } };
writeFileSync(SHIPPED_PCTR_MODEL_URL, `${JSON.stringify(out)}\n`);
console.log(`trained in ${Math.round(trainedMs)} ms, ${file.indices.length} non-zero weights`, holdout);
