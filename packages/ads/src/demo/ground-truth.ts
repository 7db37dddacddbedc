// The demo load's ground truth: the true click-through rate of every ad in every context, and a
// simulator of impressions and clicks drawn from it. The one place this truth is defined: the
// shipped pCTR model is trained on its simulated clicks, so calibration is checked against it.
import type { Ad, Campaign } from '@adtrace/schemas';
import type { AdIndex, IndexedAd } from '../ad-index.ts';
import { EMBEDDING_DIM, embedInterests } from '../embedding.ts';
import type { PctrContext } from '../pctr/features.ts';
import { sigmoid } from '../pctr/model.ts';
import { gaussian, hashString, pick, seededRandom, subSeed } from '../random.ts';
import { creativeFormatKey } from '../targeting.ts';
import { DEMO_OS_BY_DEVICE, DEMO_PLACEMENTS, weighted } from './taxonomy.ts';
import type { DemoUser } from './users.ts';

export const GROUND_TRUTH_VERSION = 'demo-truth-1';

const BASE_LOGIT = Math.log(0.008 / 0.992);
const FORMAT_EFFECT: Readonly<Record<string, number>> = {
  video: 0.55,
  b300x250: 0.1,
  b300x600: 0.2,
  b320x50: -0.35,
  b728x90: -0.2,
  b160x600: -0.3,
};
const PLACEMENT_CATEGORY = new Map(DEMO_PLACEMENTS.map((p) => [p.placement, p.cat[0]!.split('-')[0]!]));

/**
 * The true CTR of an ad in a context, in [0.0005, 0.25]. `similarity` is the cosine of the user's
 * (or, for a contextual request, the page's) embedding and the ad's. Campaign and ad quality are
 * fixed per id (seeded by the id), so the truth is the same for every run and every reader.
 */
export function trueCtr(campaign: Campaign, ad: Ad, ctx: PctrContext, similarity: number): number {
  const adTop = (ad.creative.cat[0] ?? '').split('-')[0]!;
  const formatKey = creativeFormatKey(ad.creative);
  let z = BASE_LOGIT;
  z += 0.3 * idEffect(`campaign:${campaign.id}`);
  z += 0.2 * idEffect(`ad:${ad.id}`);
  z += FORMAT_EFFECT[formatKey] ?? 0;
  if (ctx.platform === 'app' && (ctx.deviceType === 4 || ctx.deviceType === 5)) z += 0.2;
  if (ctx.deviceType === 3) z += formatKey === 'video' ? 0.3 : -0.6;
  if (ctx.pos === 1) z += 0.2;
  if (ctx.pos === 3) z -= 0.25;
  z += 1.4 * similarity;
  if (ctx.interests.some((i) => i.split('-')[0] === adTop)) z += 0.35;
  if (PLACEMENT_CATEGORY.get(ctx.placement) === adTop) z += 0.25;
  z += 0.15 * idEffect(`age:${ctx.ageBracket}:${adTop}`);
  return Math.min(0.25, Math.max(0.0005, sigmoid(z)));
}

export interface SimulatedImpression {
  readonly ctx: PctrContext;
  readonly entry: IndexedAd;
  readonly similarity: number;
  readonly trueCtr: number;
  readonly clicked: boolean;
}

export interface SimulationOptions {
  readonly count: number;
  readonly seed: number;
  /** Share of requests without a profile (no consent, anonymous); default 0.15. */
  readonly anonymousShare?: number;
}

/**
 * Impressions as the demo would serve them: a user on a placement, an imp format, and an ad of
 * that format — half drawn among ads of the user's interests (what nearest-neighbour selection
 * serves), half uniformly (exploration, so the model sees every ad) — and a click drawn from
 * the true CTR. Targeting, caps and the auction are not applied: the model must price every ad
 * it may meet, not only those that used to win. Deterministic for a seed.
 */
export function* simulateImpressions(
  index: AdIndex,
  users: readonly DemoUser[],
  options: SimulationOptions,
): Generator<SimulatedImpression> {
  const random = seededRandom(subSeed(options.seed, 'simulate'));
  const anonymousShare = options.anonymousShare ?? 0.15;
  const formats = [...index.byFormat.keys()].sort();
  const byFormatAndTop = groupByFormatAndTop(index);
  const contextVectors = new Map(DEMO_PLACEMENTS.map((p) => [p.placement, embedInterests(p.cat)]));
  for (let n = 0; n < options.count; n++) {
    const user = pick(random, users);
    const placement = pick(random, DEMO_PLACEMENTS);
    const deviceType = weighted(random, placement.devices, (d) => d[1])[0];
    const anonymous = random() < anonymousShare;
    const format = deviceType === 3 && random() < 0.7 ? 'video' : pick(random, formats);
    const interests = anonymous ? [] : user.segments.interests;
    let slots = index.byFormat.get(format)!;
    if (interests.length > 0 && random() < 0.5) {
      const related = byFormatAndTop.get(`${format}|${pick(random, interests).split('-')[0]}`);
      if (related) slots = related;
    }
    const entry = index.ads[slots[Math.floor(random() * slots.length)]!]!;
    const ctx: PctrContext = {
      platform: placement.platform,
      placement: placement.placement,
      deviceType,
      os: pick(random, DEMO_OS_BY_DEVICE[deviceType] ?? ['']).toLowerCase(),
      country: user.country,
      pos: format === 'video' ? 0 : pick(random, [0, 1, 1, 3]),
      ageBracket: anonymous ? 'UNKNOWN' : user.segments.ageBracket,
      interests,
    };
    const query = anonymous ? contextVectors.get(placement.placement)! : user.segments.embedding;
    const { similarity, trueCtr: ctr } = servedCtr(index, entry, ctx, query);
    yield { ctx, entry, similarity, trueCtr: ctr, clicked: random() < ctr };
  }
}

/**
 * The true CTR of an ad served in a context, with the similarity it depends on: `query` is the
 * user's embedding, or for a request without a profile the page's (`contextQuery`). What the
 * simulator draws from, and what `adtrace load` draws a served impression's click from.
 */
export function servedCtr(
  index: AdIndex,
  entry: IndexedAd,
  ctx: PctrContext,
  query: readonly number[],
): { readonly similarity: number; readonly trueCtr: number } {
  const similarity = cosineToSlot(index, entry.slot, query);
  return { similarity, trueCtr: trueCtr(entry.campaign, entry.ad, ctx, similarity) };
}

/** The page's embedding, which stands for the user when a request carries no profile. */
export function contextQuery(placement: string): readonly number[] {
  const p = DEMO_PLACEMENTS.find((x) => x.placement === placement);
  return p ? embedInterests(p.cat) : [];
}

/**
 * What happens after a click or a view, per campaign, fixed by its id like CTR quality:
 * P(conversion | click) around 12 %, P(view-through conversion | impression not clicked)
 * around 0.4 %, and order values (USD, log-normal) around an advertiser-specific median of
 * 40 USD. The load draws conversions from these; nothing in the pipeline reads them.
 */
export interface ConversionTruth {
  readonly clickConversionRate: number;
  readonly viewConversionRate: number;
  readonly valueMedianMicros: number;
  readonly valueSigma: number;
  readonly currency: 'USD';
}

export function conversionTruth(campaign: Campaign): ConversionTruth {
  return {
    clickConversionRate: Math.min(0.5, 0.12 * Math.exp(0.4 * idEffect(`cvr:${campaign.id}`))),
    viewConversionRate: Math.min(0.05, 0.004 * Math.exp(0.4 * idEffect(`vtr:${campaign.id}`))),
    valueMedianMicros: Math.round(40_000_000 * Math.exp(0.5 * idEffect(`value:${campaign.advertiserId}`))),
    valueSigma: 0.9,
    currency: 'USD',
  };
}

function cosineToSlot(index: AdIndex, slot: number, query: readonly number[]): number {
  if (query.length !== EMBEDDING_DIM) return 0;
  let s = 0;
  for (let d = 0; d < EMBEDDING_DIM; d++) s += query[d]! * index.vectors[slot * EMBEDDING_DIM + d]!;
  return s;
}

function groupByFormatAndTop(index: AdIndex): Map<string, Int32Array> {
  const groups = new Map<string, number[]>();
  for (const entry of index.ads) {
    const key = `${creativeFormatKey(entry.ad.creative)}|${(entry.ad.creative.cat[0] ?? '').split('-')[0]}`;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(entry.slot);
  }
  return new Map([...groups].map(([k, v]) => [k, Int32Array.from(v)] as const));
}

/** A fixed standard-normal effect per name: quality that the model must learn from clicks. */
function idEffect(name: string): number {
  return gaussian(seededRandom(hashString(name, 0x5eed)));
}
