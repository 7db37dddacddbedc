// Training and evaluation of the pCTR model (`adtrace model train` calls trainPctrModel).
// Examples are simulated impressions of the demo ground truth; the data never touches disk.

import type { SimulatedImpression } from '../demo/ground-truth.ts';
import { adHashes, BIAS_FEATURE, contextHashes, featureCount, featureIndices } from './features.ts';
import { DEFAULT_FTRL, type FtrlParams, FtrlProximal } from './ftrl.ts';
import { loadPctrModel, type PctrModel, type PctrModelFile, predictCtr, sigmoid, toModelFile } from './model.ts';

export interface TrainOptions {
  readonly modelVersion: string;
  readonly hashBits?: number;
  readonly ftrl?: FtrlParams;
  /** Free-form provenance recorded in the file (data source, seeds, counts). */
  readonly provenance?: Record<string, unknown>;
  /**
   * Examples kept apart from training to re-centre the model: the bias weight is shifted so that
   * the mean predicted CTR on them equals their observed CTR. One pass of FTRL leaves the mean a
   * few percent high (early, large steps on rare features); this is the usual fix (a one-
   * parameter calibration layer), recorded in the file as `biasShift`.
   */
  readonly calibrationSet?: Iterable<SimulatedImpression>;
}

export const DEFAULT_HASH_BITS = 18;

/** One pass of FTRL-Proximal over the examples, in order; returns the model file. */
export function trainPctrModel(examples: Iterable<SimulatedImpression>, options: TrainOptions): PctrModelFile {
  const hashBits = options.hashBits ?? DEFAULT_HASH_BITS;
  const mask = 2 ** hashBits - 1;
  const params = options.ftrl ?? DEFAULT_FTRL;
  const learner = new FtrlProximal(2 ** hashBits, params);
  let buffer = new Uint32Array(256);
  let count = 0;
  let clicks = 0;
  let logLoss = 0;
  for (const ex of examples) {
    const ctx = contextHashes(ex.ctx);
    const ad = adHashes(ex.entry.ad, ex.entry.campaign);
    const need = featureCount(ctx, ad);
    if (buffer.length < need) buffer = new Uint32Array(need * 2);
    const n = featureIndices(ctx, ad, ex.similarity, mask, buffer);
    const p = learner.update(buffer, n, ex.clicked);
    logLoss += -Math.log(ex.clicked ? p : 1 - p); // progressive validation: p is before the update
    count++;
    if (ex.clicked) clicks++;
  }
  const weights = learner.weights();
  const biasShift = options.calibrationSet ? recentre(weights, mask, options.calibrationSet) : 0;
  return toModelFile(options.modelVersion, hashBits, weights, {
    algorithm: 'FTRL-Proximal (McMahan et al. 2013), one pass',
    biasShift,
    ftrl: params,
    examples: count,
    clicks,
    progressiveLogLoss: count > 0 ? logLoss / count : null,
    ...options.provenance,
  });
}

/** Shifts the bias weight (in place) so that mean predicted = observed CTR on the examples; returns the shift. */
function recentre(weights: Float32Array, mask: number, examples: Iterable<SimulatedImpression>): number {
  const model = { modelVersion: 'recentre', hashBits: Math.log2(mask + 1), mask, weights };
  const logits: number[] = [];
  let clicks = 0;
  for (const ex of examples) {
    const p = predictCtr(model, contextHashes(ex.ctx), adHashes(ex.entry.ad, ex.entry.campaign), ex.similarity);
    logits.push(Math.log(p / (1 - p)));
    if (ex.clicked) clicks++;
  }
  if (logits.length === 0 || clicks === 0) return 0;
  const target = clicks / logits.length;
  const meanAt = (shift: number) => logits.reduce((s, z) => s + sigmoid(z + shift), 0) / logits.length;
  let [lo, hi] = [-2, 2];
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (meanAt(mid) < target) lo = mid;
    else hi = mid;
  }
  const shift = (lo + hi) / 2;
  weights[BIAS_FEATURE & mask] = weights[BIAS_FEATURE & mask]! + shift;
  return shift;
}

export interface Calibration {
  readonly impressions: number;
  readonly clicks: number;
  readonly observedCtr: number;
  readonly meanPredictedCtr: number;
  readonly meanTrueCtr: number;
  /** mean predicted ÷ observed CTR (He et al. 2014): 1 is perfect, above 1 over-predicts. */
  readonly calibration: number;
  /** mean predicted ÷ mean true CTR: the same without the sampling noise of clicks. */
  readonly calibrationVsTruth: number;
  readonly logLoss: number;
  /** Log loss of always predicting the observed CTR: the model must beat it. */
  readonly baselineLogLoss: number;
}

export function evaluateCalibration(
  model: PctrModel | PctrModelFile,
  examples: Iterable<SimulatedImpression>,
): Calibration {
  const m = 'mask' in model ? model : loadPctrModel(model);
  let n = 0;
  let clicks = 0;
  let predicted = 0;
  let truth = 0;
  let logLoss = 0;
  for (const ex of examples) {
    const p = predictCtr(m, contextHashes(ex.ctx), adHashes(ex.entry.ad, ex.entry.campaign), ex.similarity);
    n++;
    predicted += p;
    truth += ex.trueCtr;
    if (ex.clicked) clicks++;
    logLoss += -Math.log(ex.clicked ? p : 1 - p);
  }
  const observed = clicks / n;
  const baseline = -(observed * Math.log(observed) + (1 - observed) * Math.log(1 - observed));
  return {
    impressions: n,
    clicks,
    observedCtr: observed,
    meanPredictedCtr: predicted / n,
    meanTrueCtr: truth / n,
    calibration: predicted / n / observed,
    calibrationVsTruth: predicted / truth,
    logLoss: logLoss / n,
    baselineLogLoss: baseline,
  };
}
