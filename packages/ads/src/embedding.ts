// The interest embedding space shared by users and ads: fixed dimension, unit length, so that
// the dot product is the cosine similarity and "nearest" means "largest dot product".
import { gaussian, hashString, seededRandom } from './random.ts';

export const EMBEDDING_DIM = 32;

/** Scales to unit length; a zero vector stays zero (an unknown user has no direction). */
export function normalize(v: ArrayLike<number>): number[] {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  const scale = sum === 0 ? 0 : 1 / Math.sqrt(sum);
  const out = new Array<number>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The direction of one interest (an IAB category id), derived from its name alone so that
 * profiling, the catalog generator and the ground truth agree without sharing a table.
 * A subcategory (IAB17-44) leans towards its parent (IAB17), so related interests are near.
 */
export function interestVector(interest: string): number[] {
  const own = randomUnit(hashString(interest));
  const dash = interest.indexOf('-');
  if (dash < 0) return own;
  const parent = randomUnit(hashString(interest.slice(0, dash)));
  return normalize(own.map((x, i) => 0.4 * x + parent[i]!));
}

/** The normalized sum of the interests' vectors; empty when there are no interests. */
export function embedInterests(interests: readonly string[]): number[] {
  if (interests.length === 0) return [];
  const sum = new Array<number>(EMBEDDING_DIM).fill(0);
  for (const interest of interests) {
    const v = interestVector(interest);
    for (let i = 0; i < EMBEDDING_DIM; i++) sum[i] += v[i]!;
  }
  return normalize(sum);
}

/**
 * Rounds to a float32 multiple of 2^-8, which Avro's float keeps exactly and JSON prints
 * briefly, so committed catalogs and published records round-trip bit for bit.
 */
export function quantizeEmbedding(v: readonly number[]): number[] {
  return v.map((x) => Math.fround(Math.round(x * 256) / 256));
}

function randomUnit(seed: number): number[] {
  const random = seededRandom(seed);
  return normalize(Array.from({ length: EMBEDDING_DIM }, () => gaussian(random)));
}
