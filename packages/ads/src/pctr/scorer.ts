// predictCtr for the candidates of one imp, as the auction scores them: the same sum of the same
// weights in the same order, so the same pCTR to the bit, with the per-ad work done once.
// - Per model and ad index (once per campaigns version): each ad's own non-zero weights (adding
//   +0 never changes the sum), its format and category as small ids, and the similarity terms
//   (bucket, and bucket × category), which do not depend on the request.
// - Per imp: the context's own terms summed once, and the context × format and context ×
//   category weights looked up once per format and per category met.
// - Per candidate: array reads and additions only; no hashing, no map of objects, and far fewer
//   reads of the dense table (2^18 float32 weights, 1 MiB, mostly zeros: likely cache misses).
import type { AdIndex } from '../ad-index.ts';
import { mixHashes } from '../random.ts';
import { adHashes, BIAS_FEATURE, SIMILARITY_HASHES, similarityBucket } from './features.ts';
import { type PctrModel, sigmoid } from './model.ts';

/** What the model says of each ad of an index, by slot. */
interface IndexTerms {
  /** The ad's own features' non-zero weights, in feature order. */
  readonly own: readonly Float64Array[];
  readonly formatId: Int32Array;
  readonly categoryId: Int32Array;
  readonly formatHashes: readonly number[];
  readonly categoryHashes: readonly number[];
  /** By similarity bucket: the bucket's weight. */
  readonly simWeight: Float64Array;
  /** By bucket × category id: the weight of the bucket crossed with the category. */
  readonly simCategoryWeight: Float64Array;
}

const termsByModel = new WeakMap<PctrModel, WeakMap<AdIndex, IndexTerms>>();

/** The pCTR of the ad at `slot` of the index at `similarity`, in the imp's context: predictCtr's value. */
export type ImpScorer = (slot: number, similarity: number) => number;

export function impScorer(model: PctrModel, index: AdIndex, ctx: Uint32Array): ImpScorer {
  const { weights, mask } = model;
  const terms = indexTerms(model, index);
  const { own, formatId, categoryId, simWeight, simCategoryWeight } = terms;
  const categories = terms.categoryHashes.length;
  // The sum's first terms, in predictCtr's order: bias, then the context's features.
  let prefix = 0;
  prefix += weights[BIAS_FEATURE & mask]!;
  for (let i = 0; i < ctx.length; i++) prefix += weights[ctx[i]! & mask]!;
  // The context's features crossed with each format and each category met in this imp.
  const withFormat: (Float64Array | undefined)[] = [];
  const withCategory: (Float64Array | undefined)[] = [];
  const crossed = (hash: number): Float64Array => {
    const list = new Float64Array(ctx.length);
    for (let i = 0; i < ctx.length; i++) list[i] = weights[mixHashes(ctx[i]!, hash) & mask]!;
    return list;
  };
  return (slot, similarity) => {
    let z = prefix;
    const ownWeights = own[slot]!;
    for (let i = 0; i < ownWeights.length; i++) z += ownWeights[i]!;
    const f = formatId[slot]!;
    const c = categoryId[slot]!;
    let fw = withFormat[f];
    if (!fw) withFormat[f] = fw = crossed(terms.formatHashes[f]!);
    let cw = withCategory[c];
    if (!cw) withCategory[c] = cw = crossed(terms.categoryHashes[c]!);
    for (let i = 0; i < fw.length; i++) {
      z += fw[i]!;
      z += cw[i]!;
    }
    const bucket = similarityBucket(similarity);
    z += simWeight[bucket]!;
    z += simCategoryWeight[bucket * categories + c]!;
    return sigmoid(z);
  };
}

function indexTerms(model: PctrModel, index: AdIndex): IndexTerms {
  let byIndex = termsByModel.get(model);
  if (!byIndex) {
    byIndex = new WeakMap();
    termsByModel.set(model, byIndex);
  }
  let terms = byIndex.get(index);
  if (!terms) {
    terms = buildTerms(model, index);
    byIndex.set(index, terms);
  }
  return terms;
}

function buildTerms({ weights, mask }: PctrModel, index: AdIndex): IndexTerms {
  const n = index.ads.length;
  const own: Float64Array[] = [];
  const formatId = new Int32Array(n);
  const categoryId = new Int32Array(n);
  const formatHashes: number[] = [];
  const categoryHashes: number[] = [];
  const idOf = (ids: Map<number, number>, hashes: number[], hash: number): number => {
    let id = ids.get(hash);
    if (id === undefined) {
      id = hashes.push(hash) - 1;
      ids.set(hash, id);
    }
    return id;
  };
  const formatIds = new Map<number, number>();
  const categoryIds = new Map<number, number>();
  for (const { ad, campaign, slot } of index.ads) {
    const hashes = adHashes(ad, campaign);
    own[slot] = Float64Array.from(Array.from(hashes.own, (h) => weights[h & mask]!).filter((w) => w !== 0));
    formatId[slot] = idOf(formatIds, formatHashes, hashes.format);
    categoryId[slot] = idOf(categoryIds, categoryHashes, hashes.category);
  }
  const simWeight = Float64Array.from(SIMILARITY_HASHES, (h) => weights[h & mask]!);
  const simCategoryWeight = new Float64Array(SIMILARITY_HASHES.length * categoryHashes.length);
  SIMILARITY_HASHES.forEach((sim, bucket) => {
    categoryHashes.forEach((category, c) => {
      simCategoryWeight[bucket * categoryHashes.length + c] = weights[mixHashes(sim, category) & mask]!;
    });
  });
  return { own, formatId, categoryId, formatHashes, categoryHashes, simWeight, simCategoryWeight };
}
