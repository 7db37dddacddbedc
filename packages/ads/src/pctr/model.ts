// The pCTR model: logistic regression over hashed features, stored as a versioned JSON file
// (models/pctr-<version>.json). The file holds only non-zero weights (FTRL's L1 keeps most at
// zero); loading expands them into a dense Float32Array indexed by the hashed feature.
import { type AdHashes, FEATURE_SET, featureCount, featureIndices } from './features.ts';

export const MODEL_FORMAT = 'adtrace.pctr.hashed-logistic/1';

/** The model file. `modelVersion` is what an AuctionOutcome names. */
export interface PctrModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly modelVersion: string;
  readonly featureSet: string;
  readonly hashBits: number;
  /** Non-zero weights: parallel arrays of feature index and weight. */
  readonly indices: readonly number[];
  readonly weights: readonly number[];
  /** How the model was made, for people: trainer, hyper-parameters, data, evaluation. */
  readonly training: Readonly<Record<string, unknown>>;
}

export interface PctrModel {
  readonly modelVersion: string;
  readonly hashBits: number;
  readonly mask: number;
  readonly weights: Float32Array;
}

/** Checks a parsed model file and loads it; a wrong file fails here, not mid-auction. */
export function loadPctrModel(file: unknown): PctrModel {
  const f = file as Partial<PctrModelFile> | null;
  if (!f || typeof f !== 'object') throw new Error('pCTR model: not an object');
  if (f.format !== MODEL_FORMAT) throw new Error(`pCTR model: format ${String(f.format)}, expected ${MODEL_FORMAT}`);
  if (typeof f.modelVersion !== 'string' || f.modelVersion === '') throw new Error('pCTR model: no modelVersion');
  if (f.featureSet !== FEATURE_SET) {
    throw new Error(
      `pCTR model ${f.modelVersion}: feature set ${String(f.featureSet)}, this code computes ${FEATURE_SET}`,
    );
  }
  const bits = f.hashBits;
  if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 8 || bits > 24) {
    throw new Error(`pCTR model ${f.modelVersion}: hashBits ${String(bits)} not an integer in 8..24`);
  }
  const { indices, weights } = f;
  if (!Array.isArray(indices) || !Array.isArray(weights) || indices.length !== weights.length) {
    throw new Error(`pCTR model ${f.modelVersion}: indices and weights must be arrays of one length`);
  }
  const dense = new Float32Array(2 ** bits);
  for (let i = 0; i < indices.length; i++) {
    const at = indices[i];
    const w = weights[i];
    if (!Number.isInteger(at) || at < 0 || at >= dense.length || !Number.isFinite(w)) {
      throw new Error(`pCTR model ${f.modelVersion}: bad weight #${i}`);
    }
    dense[at] = w;
  }
  return { modelVersion: f.modelVersion, hashBits: bits, mask: 2 ** bits - 1, weights: dense };
}

/** A model file from dense weights (zeros left out, weights rounded to float32). */
export function toModelFile(
  modelVersion: string,
  hashBits: number,
  weights: ArrayLike<number>,
  training: Record<string, unknown>,
): PctrModelFile {
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (w === 0) continue;
    indices.push(i);
    values.push(Number(Math.fround(w).toPrecision(7)));
  }
  return { format: MODEL_FORMAT, modelVersion, featureSet: FEATURE_SET, hashBits, indices, weights: values, training };
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

// One scratch buffer: prediction is synchronous, so it is never shared by two calls at once.
let scratch = new Uint32Array(256);

/** Predicted click-through rate in (0, 1) of an ad for a context (see features.ts). */
export function predictCtr(model: PctrModel, ctx: Uint32Array, ad: AdHashes, similarity: number): number {
  const need = featureCount(ctx, ad);
  if (scratch.length < need) scratch = new Uint32Array(need * 2);
  const n = featureIndices(ctx, ad, similarity, model.mask, scratch);
  let z = 0;
  for (let i = 0; i < n; i++) z += model.weights[scratch[i]!]!;
  return sigmoid(z);
}
