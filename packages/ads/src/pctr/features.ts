// Hashed features of (request context × ad) for the pCTR model. The context half is computed
// once per imp, the ad half once per ad (cached), the crosses per candidate by mixing the two
// halves' hashes: no string work on the hot path.
import type { Ad, AgeBracket, BidRequest, Campaign, Imp, UserProfile } from '@adtrace/schemas';
import { hashString, mixHashes } from '../random.ts';
import { creativeFormatKey } from '../targeting.ts';

/** Bumped whenever the features change: a model trained on other features is refused. */
export const FEATURE_SET = 'ctx-ad-v1';

/** What the model knows of a request and imp; built from real requests or by the simulator. */
export interface PctrContext {
  readonly platform: 'site' | 'app' | 'dooh' | 'unknown';
  readonly placement: string;
  readonly deviceType: number;
  readonly os: string;
  readonly country: string;
  readonly pos: number;
  readonly ageBracket: AgeBracket;
  readonly interests: readonly string[];
}

export function pctrContext(request: BidRequest, imp: Imp, profile: UserProfile): PctrContext {
  const platform = request.site ? 'site' : request.app ? 'app' : request.dooh ? 'dooh' : 'unknown';
  const placement = request.site?.domain ?? request.app?.bundle ?? request.dooh?.domain ?? '';
  return {
    platform,
    placement: placement.toLowerCase(),
    deviceType: request.device?.devicetype ?? 0,
    os: request.device?.os?.toLowerCase() ?? '',
    country: request.device?.geo?.country?.toUpperCase() ?? '',
    pos: imp.banner?.pos ?? 0,
    ageBracket: profile.ageBracket,
    interests: profile.interests,
  };
}

/** The context half, hashed. */
export function contextHashes(ctx: PctrContext): Uint32Array {
  const names = [
    `pf=${ctx.platform}`,
    `pl=${ctx.placement}`,
    `dt=${ctx.deviceType}`,
    `os=${ctx.os}`,
    `co=${ctx.country}`,
    `pos=${ctx.pos}`,
    `age=${ctx.ageBracket}`,
    ...ctx.interests.map((i) => `int=${i}`),
  ];
  return Uint32Array.from(names, (n) => hashString(n));
}

/** The ad half, hashed: identity features first, then the two that every context feature crosses. */
export interface AdHashes {
  readonly own: Uint32Array;
  readonly format: number;
  readonly category: number;
}

const adCache = new WeakMap<Ad, AdHashes>();

export function adHashes(ad: Ad, campaign: Campaign): AdHashes {
  let cached = adCache.get(ad);
  if (!cached) {
    const format = hashString(`fmt=${creativeFormatKey(ad.creative)}`);
    const category = hashString(`cat=${topCategory(ad.creative.cat)}`);
    const own = Uint32Array.from(
      [`ad=${ad.id}`, `cmp=${campaign.id}`, `adv=${campaign.advertiserId}`, `bt=${ad.bidType}`],
      (n) => hashString(n),
    );
    cached = { own: Uint32Array.from([...own, format, category]), format, category };
    adCache.set(ad, cached);
  }
  return cached;
}

/** The hash of the always-on bias feature. */
export const BIAS_FEATURE = hashString('bias');
const SIMILARITY_BUCKETS = 12;
const SIMILARITY_HASHES = Array.from({ length: SIMILARITY_BUCKETS }, (_, b) => hashString(`sim=${b}`));

/** The similarity of user and ad embeddings, in buckets of 0.1 from −0.1 up (no embedding: bucket 0). */
export function similarityBucket(similarity: number): number {
  return Math.max(0, Math.min(SIMILARITY_BUCKETS - 1, Math.floor((similarity + 0.1) * 10)));
}

/**
 * Writes the example's feature indices into `out` (which must hold featureCount(...) entries)
 * and returns how many: bias, context, ad, context × {format, category}, similarity bucket and
 * similarity × category.
 */
export function featureIndices(
  ctx: Uint32Array,
  ad: AdHashes,
  similarity: number,
  mask: number,
  out: Uint32Array,
): number {
  let n = 0;
  out[n++] = BIAS_FEATURE & mask;
  for (let i = 0; i < ctx.length; i++) out[n++] = ctx[i]! & mask;
  for (let i = 0; i < ad.own.length; i++) out[n++] = ad.own[i]! & mask;
  for (let i = 0; i < ctx.length; i++) {
    out[n++] = mixHashes(ctx[i]!, ad.format) & mask;
    out[n++] = mixHashes(ctx[i]!, ad.category) & mask;
  }
  const sim = SIMILARITY_HASHES[similarityBucket(similarity)]!;
  out[n++] = sim & mask;
  out[n++] = mixHashes(sim, ad.category) & mask;
  return n;
}

export function featureCount(ctx: Uint32Array, ad: AdHashes): number {
  return 3 + ctx.length * 3 + ad.own.length;
}

/** IAB tier-1 of the creative's first category ("IAB20-3" → "IAB20"); "" without one. */
export function topCategory(cat: readonly string[]): string {
  const first = cat[0] ?? '';
  const dash = first.indexOf('-');
  return dash < 0 ? first : first.slice(0, dash);
}
