// ads.candidate_selection: the ads that may fill one imp (format, then targeting), and of
// those the k nearest to the user's interest embedding. Exact search: a scan of the matching
// ads' contiguous vectors is fast enough at 10,000 ads (bench/serving), so recall is 1 by
// construction and there is no approximate index to tune or keep in sync.
import type { BidRequest, Imp, UserProfile } from '@adtrace/schemas';
import type { AdIndex, IndexedAd } from './ad-index.ts';
import { EMBEDDING_DIM, embedInterests } from './embedding.ts';
import { hashString } from './random.ts';
import { impFormatKeys, type TargetingContext, targetingContext } from './targeting.ts';
import { matchCampaigns } from './targeting-index.ts';
import { TopK } from './top-k.ts';

export const DEFAULT_CANDIDATES_K = 32;

export interface Candidate {
  readonly entry: IndexedAd;
  /** Cosine similarity of the ad to the query embedding (0 without one). */
  readonly similarity: number;
  /** The campaign's segment targeting matched the user (not just "no segment targeting"). */
  readonly segmentMatched: boolean;
}

/** Attributes of the ads.candidate_selection span. */
export interface CandidateAttributes {
  /** Candidates returned: the nearest k of the targeting matches. */
  readonly 'candidates.total': number;
  /** Of those, how many were chosen because the user is in a segment their campaign targets. */
  readonly 'candidates.segments_matched': number;
  /** Ads whose creative fits the imp (the scan size). */
  readonly 'candidates.format_matched': number;
  /** Ads that also passed targeting, before keeping the nearest k. */
  readonly 'candidates.targeting_matched': number;
  /** 'user' (profile embedding), 'context' (site/app categories) or 'none'. */
  readonly 'candidates.query': string;
}

export interface CandidateSelection {
  readonly candidates: readonly Candidate[];
  readonly attributes: CandidateAttributes;
}

/** Per-request work shared by all its imps: targeting per campaign and the query vector. */
export interface RequestTargeting {
  readonly context: TargetingContext;
  /** Per campaign slot: 0 no match, 1 match, 2 match through segments. */
  readonly campaignMatch: Uint8Array;
  readonly query: Float32Array | null;
  readonly queryKind: 'user' | 'context' | 'none';
  /** Spreads ties (no query) across ads differently per request, deterministically. */
  readonly tieSeed: number;
  /**
   * The request's selections so far, by k and format keys: imps offering the same formats get
   * the same candidates (targeting is per request), so a second such imp is not scanned again.
   */
  readonly selections: Map<string, CandidateSelection>;
}

export function prepareRequestTargeting(
  index: AdIndex,
  request: BidRequest,
  profile: UserProfile,
  nowMs: number,
): RequestTargeting {
  const context = targetingContext(request, profile);
  const campaignMatch = new Uint8Array(index.campaigns.length);
  matchCampaigns(index.targeting, context, nowMs, campaignMatch);
  let queryKind: RequestTargeting['queryKind'] = 'none';
  let vector: readonly number[] = [];
  if (profile.embedding.length === EMBEDDING_DIM) {
    queryKind = 'user';
    vector = profile.embedding;
  } else {
    // Contextual fallback for an unknown or unconsented user: the page's categories.
    vector = embedInterests(request.site?.cat ?? request.app?.cat ?? []);
    if (vector.length === EMBEDDING_DIM) queryKind = 'context';
  }
  const query = queryKind === 'none' ? null : Float32Array.from(vector);
  return {
    context,
    campaignMatch,
    query,
    queryKind,
    tieSeed: hashString(request.eventId),
    selections: new Map(),
  };
}

export function selectCandidates(
  index: AdIndex,
  imp: Imp,
  targeting: RequestTargeting,
  k = DEFAULT_CANDIDATES_K,
): CandidateSelection {
  const keys = impFormatKeys(imp);
  const memoKey = `${k} ${keys.join(' ')}`;
  const known = targeting.selections.get(memoKey);
  if (known) return known;
  const top = new TopK(k);
  const { campaignMatch, query } = targeting;
  const vectors = index.vectors;
  let formatMatched = 0;
  let targetingMatched = 0;
  for (const key of keys) {
    const runs = index.runs.get(key);
    if (!runs) continue;
    const { campaigns, starts } = runs;
    formatMatched += starts[campaigns.length]! - starts[0]!;
    // A run is one campaign's ads of this format: targeting decides it whole.
    for (let r = 0; r < campaigns.length; r++) {
      if (campaignMatch[campaigns[r]!] === 0) continue;
      const end = starts[r + 1]!;
      targetingMatched += end - starts[r]!;
      if (query) {
        for (let slot = starts[r]!; slot < end; slot++) {
          const score = dot32(query, vectors, slot * EMBEDDING_DIM);
          if (score >= top.threshold) top.offer(slot, score);
        }
      } else {
        for (let slot = starts[r]!; slot < end; slot++) {
          const score = (hashString(index.ads[slot]!.ad.id, targeting.tieSeed) / 4294967296) * 1e-9;
          if (score >= top.threshold) top.offer(slot, score);
        }
      }
    }
  }
  const candidates = top.sorted().map(({ slot, score }) => {
    const entry = index.ads[slot]!;
    return { entry, similarity: query ? score : 0, segmentMatched: campaignMatch[entry.campaignSlot] === 2 };
  });
  const selection: CandidateSelection = {
    candidates,
    attributes: {
      'candidates.total': candidates.length,
      'candidates.segments_matched': candidates.filter((c) => c.segmentMatched).length,
      'candidates.format_matched': formatMatched,
      'candidates.targeting_matched': targetingMatched,
      'candidates.query': targeting.queryKind,
    },
  };
  targeting.selections.set(memoKey, selection);
  return selection;
}

// The scan's inner loop, unrolled by four (EMBEDDING_DIM is a multiple of 4).
function dot32(q: Float32Array, v: Float32Array, base: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let d = 0; d < EMBEDDING_DIM; d += 4) {
    s0 += q[d]! * v[base + d]!;
    s1 += q[d + 1]! * v[base + d + 1]!;
    s2 += q[d + 2]! * v[base + d + 2]!;
    s3 += q[d + 3]! * v[base + d + 3]!;
  }
  return s0 + s1 + s2 + s3;
}
