// ads.auction: one auction per imp over the bids policy let through (all at or above the
// floor). Rank by eCPM; the request's `at` sets the price: 2 → generalized second price, the
// winner pays what it needs to beat the runner-up, max(floor, s₂·b₂/s₁) + ε, which in CPM terms
// is max(floor, eCPM₂) + ε, never above its own eCPM; 1 → first price, its own eCPM.
import type { AuctionWin, NoFill, NoFillReason } from '@adtrace/schemas';
import type { ScoredBid } from './policy.ts';

/** The price step above the runner-up: 1 micro (one millionth of a currency unit per mille). */
export const GSP_EPSILON_MICROS = 1;
export const DEFAULT_SCORED_SPANS = 3;

export type AuctionType = 'first_price' | 'second_price';

export interface AuctionOptions {
  /** OpenRTB `at`: 1 first price, 2 second price (ingest refuses other values). */
  readonly at: number;
  readonly floorCpmMicros: number;
  /** How many top participants get an ads.auction.score_ad span (default 3). */
  readonly scoredSpans?: number;
}

/** Attributes of one ads.auction.score_ad span. */
export interface ScoreAdAttributes {
  readonly 'ad.id': string;
  /** The bid as the advertiser set it: a CPM for CPM ads, a price per click for CPC ads (see ad.bid_type). */
  readonly 'ad.base_bid_cpm': number;
  readonly 'ad.bid_type': string;
  readonly 'ad.predicted_ctr': number;
  readonly 'ad.effective_bid': number;
}

export interface AuctionAttributes {
  readonly 'auction.participants': number;
  readonly 'auction.type': AuctionType;
  readonly 'auction.winning_bid_cpm'?: number;
  /** The runner-up's eCPM, which sets a second-price winner's price (absent without one). */
  readonly 'auction.second_price_cpm'?: number;
  /** What the winner pays per mille. */
  readonly 'auction.clearing_price_cpm'?: number;
  readonly 'auction.winning_advertiser'?: string;
}

export interface AuctionResult {
  /** Bids best first (the ranking, including the winner). */
  readonly ranked: readonly ScoredBid[];
  readonly winner: ScoredBid | null;
  readonly runnerUp: ScoredBid | null;
  readonly clearingPriceCpmMicros: number;
  readonly attributes: AuctionAttributes;
  /** score_ad span attributes of the top participants, best first. */
  readonly scoredAds: readonly ScoreAdAttributes[];
}

/** Best first: eCPM, then the higher pCTR (the better ad for the user), then ad id: deterministic. */
export function compareBids(a: ScoredBid, b: ScoredBid): number {
  if (a.ecpmMicros !== b.ecpmMicros) return b.ecpmMicros - a.ecpmMicros;
  if (a.pctr !== b.pctr) return b.pctr - a.pctr;
  const x = a.candidate.entry.ad.id;
  const y = b.candidate.entry.ad.id;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function runAuction(bids: readonly ScoredBid[], options: AuctionOptions): AuctionResult {
  const type: AuctionType = options.at === 1 ? 'first_price' : 'second_price';
  const ranked = [...bids].sort(compareBids);
  const winner = ranked[0] ?? null;
  const runnerUp = ranked[1] ?? null;
  const scoredAds = ranked.slice(0, options.scoredSpans ?? DEFAULT_SCORED_SPANS).map(scoreAttributes);
  if (!winner) {
    return {
      ranked,
      winner,
      runnerUp,
      clearingPriceCpmMicros: 0,
      scoredAds,
      attributes: { 'auction.participants': 0, 'auction.type': type },
    };
  }
  const price = clearingPrice(type, winner.ecpmMicros, runnerUp?.ecpmMicros ?? null, options.floorCpmMicros);
  return {
    ranked,
    winner,
    runnerUp,
    clearingPriceCpmMicros: price,
    scoredAds,
    attributes: {
      'auction.participants': ranked.length,
      'auction.type': type,
      'auction.winning_bid_cpm': winner.ecpmMicros / 1e6,
      ...(runnerUp && { 'auction.second_price_cpm': runnerUp.ecpmMicros / 1e6 }),
      'auction.clearing_price_cpm': price / 1e6,
      'auction.winning_advertiser': winner.candidate.entry.campaign.advertiserId,
    },
  };
}

/**
 * What the winner pays per mille, in micros. Second price: max(floor, runner-up) + ε, capped at
 * the winner's own eCPM (a tie pays its bid) and never below the floor; alone, it pays the floor
 * + ε. First price: its own eCPM.
 */
export function clearingPrice(
  type: AuctionType,
  winnerEcpm: number,
  runnerUpEcpm: number | null,
  floor: number,
): number {
  if (type === 'first_price') return winnerEcpm;
  const price = Math.max(floor, runnerUpEcpm ?? 0) + GSP_EPSILON_MICROS;
  return Math.max(floor, Math.min(winnerEcpm, price));
}

/** The AuctionWin record of a result with a winner. */
export function auctionWin(result: AuctionResult, floorCpmMicros: number): AuctionWin | null {
  const { winner, runnerUp } = result;
  if (!winner) return null;
  const { ad, campaign } = winner.candidate.entry;
  return {
    campaignId: campaign.id,
    adId: ad.id,
    creativeId: ad.creative.id,
    bidType: ad.bidType,
    bidMicros: ad.bidMicros,
    pctr: winner.pctr,
    ecpmMicros: winner.ecpmMicros,
    clearingPriceCpmMicros: result.clearingPriceCpmMicros,
    floorCpmMicros,
    runnerUp: runnerUp && {
      campaignId: runnerUp.candidate.entry.campaign.id,
      adId: runnerUp.candidate.entry.ad.id,
      pctr: runnerUp.pctr,
      ecpmMicros: runnerUp.ecpmMicros,
    },
    candidates: result.ranked.length,
  };
}

/** Prebid Server's rejection codes for the reasons that have one. */
const PREBID_CODES: Partial<Record<NoFillReason, number>> = { TIMEOUT: 101, BELOW_FLOOR: 301 };

export function noFill(reason: NoFillReason, detail: string | null = null): NoFill {
  return { reason, code: PREBID_CODES[reason] ?? null, detail };
}

/** A request older than its tmax: the exchange has stopped waiting, so no ad may be billed. */
export function isTimedOut(receivedAtMs: number, tmax: number | null, nowMs: number): boolean {
  return tmax !== null && tmax > 0 && nowMs - receivedAtMs > tmax;
}

function scoreAttributes(bid: ScoredBid): ScoreAdAttributes {
  const { ad } = bid.candidate.entry;
  return {
    'ad.id': ad.id,
    'ad.base_bid_cpm': ad.bidMicros / 1e6,
    'ad.bid_type': ad.bidType,
    'ad.predicted_ctr': bid.pctr,
    'ad.effective_bid': bid.ecpmMicros / 1e6,
  };
}
