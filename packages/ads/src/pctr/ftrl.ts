// FTRL-Proximal for logistic regression (McMahan et al., "Ad Click Prediction: a View from the
// Trenches", KDD 2013, Algorithm 1): per-coordinate learning rates and L1 that keeps most
// hashed weights exactly zero, so the shipped model file stays small.
import { sigmoid } from './model.ts';

export interface FtrlParams {
  readonly alpha: number;
  readonly beta: number;
  readonly l1: number;
  readonly l2: number;
}

export const DEFAULT_FTRL: FtrlParams = { alpha: 0.05, beta: 1, l1: 0.5, l2: 1 };

export class FtrlProximal {
  readonly params: FtrlParams;
  readonly #z: Float64Array;
  readonly #n: Float64Array;

  constructor(size: number, params: FtrlParams = DEFAULT_FTRL) {
    this.params = params;
    this.#z = new Float64Array(size);
    this.#n = new Float64Array(size);
  }

  /** The weight of one coordinate, from its z and n (lazy: computed when the feature appears). */
  weight(i: number): number {
    const z = this.#z[i]!;
    const { alpha, beta, l1, l2 } = this.params;
    if (Math.abs(z) <= l1) return 0;
    return -(z - Math.sign(z) * l1) / ((beta + Math.sqrt(this.#n[i]!)) / alpha + l2);
  }

  predict(features: Uint32Array, count: number): number {
    let s = 0;
    for (let k = 0; k < count; k++) s += this.weight(features[k]!);
    return sigmoid(s);
  }

  /** One example: features are the indices of the ones in a binary x; clicked is y. Returns p before the update. */
  update(features: Uint32Array, count: number, clicked: boolean): number {
    const weights = new Float64Array(count);
    let s = 0;
    for (let k = 0; k < count; k++) {
      weights[k] = this.weight(features[k]!);
      s += weights[k]!;
    }
    const p = sigmoid(s);
    const g = p - (clicked ? 1 : 0); // gradient of log loss for x_i = 1
    for (let k = 0; k < count; k++) {
      const i = features[k]!;
      const n = this.#n[i]!;
      const sigma = (Math.sqrt(n + g * g) - Math.sqrt(n)) / this.params.alpha;
      this.#z[i] = this.#z[i]! + g - sigma * weights[k]!;
      this.#n[i] = n + g * g;
    }
    return p;
  }

  /** Every weight, for the model file. */
  weights(): Float32Array {
    const out = new Float32Array(this.#z.length);
    for (let i = 0; i < out.length; i++) out[i] = this.weight(i);
    return out;
  }
}
