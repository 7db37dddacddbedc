// ads.policy_filter: which candidates may bid. Every check is a pure function of plain data the
// caller looked up: the user's cap states, the campaigns' spend (absent → budgets are not
// enforced), the request's blocks. Cheap checks run first; pCTR scoring runs only for the
// survivors, because the floor compares the eCPM it yields.
import type { BidRequest, Campaign, Imp, PolicyFlag } from '@adtrace/schemas';
import type { Candidate } from './candidates.ts';
import { type CapState, capAllows } from './frequency-cap.ts';

/** A candidate with its pCTR and rank score. */
export interface ScoredBid {
  readonly candidate: Candidate;
  readonly pctr: number;
  /** Effective CPM in micros: the CPM bid, or CPC bid × pCTR × 1000. */
  readonly ecpmMicros: number;
}

export interface CampaignSpend {
  readonly totalMicros: number;
  /** Spend of the current UTC day. */
  readonly todayMicros: number;
}

export interface PolicyInput {
  readonly request: BidRequest;
  readonly imp: Imp;
  readonly nowMs: number;
  /** This user's cap state per campaign; absent for an anonymous or contextual request (no caps). */
  readonly capState?: (campaignId: string) => CapState | undefined;
  /** Spend so far per campaign; absent until aggregation publishes spend (budgets not enforced). */
  readonly spend?: (campaignId: string) => CampaignSpend | undefined;
  /** Pacing rule, default evenDailyPacing; null turns pacing off. */
  readonly pacing?: PacingRule | null;
  readonly score: (candidate: Candidate) => ScoredBid;
}

export type PacingRule = (campaign: Campaign, spend: CampaignSpend, nowMs: number) => boolean;

/** Attributes of the ads.policy_filter span; the removed_* counts and remaining sum to input_count. */
export interface PolicyAttributes {
  readonly 'policy.input_count': number;
  readonly 'policy.removed_policy_violation': number;
  readonly 'policy.removed_blocked_by_request': number;
  readonly 'policy.removed_budget': number;
  readonly 'policy.removed_pacing': number;
  readonly 'policy.removed_frequency_cap': number;
  readonly 'policy.removed_below_floor': number;
  readonly 'policy.remaining': number;
}

export interface PolicyResult {
  /** Eligible bids, in candidate order. */
  readonly bids: readonly ScoredBid[];
  readonly floorCpmMicros: number;
  readonly attributes: PolicyAttributes;
}

export function policyFilter(candidates: readonly Candidate[], input: PolicyInput): PolicyResult {
  const blockedFlags = blockedPolicyFlags(input.request);
  const pacing = input.pacing === undefined ? evenDailyPacing : input.pacing;
  const floor = input.imp.bidfloorMicros;
  const blocks = requestBlocks(input.request);
  const removed = { policy: 0, request: 0, budget: 0, pacing: 0, cap: 0, floor: 0 };
  const bids: ScoredBid[] = [];
  // Most requests block no flag, category or domain: then those checks are skipped per candidate.
  const flagsBlocked = blockedFlags.size > 0;
  const requestBlocksAny = input.request.bcat.length > 0 || input.request.badv.length > 0;
  for (const candidate of candidates) {
    const { ad, campaign } = candidate.entry;
    if (flagsBlocked && ad.policyFlags.some((f) => blockedFlags.has(f))) removed.policy++;
    else if (requestBlocksAny && blocks.blocks(ad.creative.cat, ad.creative.adomain)) removed.request++;
    else {
      const spend = input.spend?.(campaign.id);
      if (spend && budgetExhausted(campaign, spend)) removed.budget++;
      else if (spend && pacing && !pacing(campaign, spend, input.nowMs)) removed.pacing++;
      // An uncapped campaign needs no cap state: not looking it up saves a store read per candidate.
      else if (
        campaign.frequencyCaps.length > 0 &&
        !capAllows(campaign.frequencyCaps, input.capState?.(campaign.id), input.nowMs)
      )
        removed.cap++;
      else {
        const bid = input.score(candidate);
        if (bid.ecpmMicros < floor) removed.floor++;
        else bids.push(bid);
      }
    }
  }
  return {
    bids,
    floorCpmMicros: floor,
    attributes: {
      'policy.input_count': candidates.length,
      'policy.removed_policy_violation': removed.policy,
      'policy.removed_blocked_by_request': removed.request,
      'policy.removed_budget': removed.budget,
      'policy.removed_pacing': removed.pacing,
      'policy.removed_frequency_cap': removed.cap,
      'policy.removed_below_floor': removed.floor,
      'policy.remaining': bids.length,
    },
  };
}

/** eCPM in micros: CPM bids as they are; CPC bids as bid × pCTR × 1000 to compare with CPM floors. */
export function ecpmMicros(bidType: 'CPM' | 'CPC', bidMicros: number, pctr: number): number {
  return bidType === 'CPM' ? bidMicros : Math.round(bidMicros * pctr * 1000);
}

/**
 * IAB content categories (1.0 taxonomy) that stand for each sensitive flag, so a request that
 * blocks the category blocks flagged ads even when their creative does not declare it.
 */
export const FLAG_CATEGORIES: Readonly<Record<PolicyFlag, readonly string[]>> = {
  ALCOHOL: ['IAB8-5', 'IAB8-18'],
  GAMBLING: ['IAB9-7'],
  ADULT: ['IAB7-39', 'IAB25-3'],
  POLITICAL: ['IAB11-4'],
  HEALTH: ['IAB7'],
  FINANCIAL: ['IAB13'],
  OTHER_SENSITIVE: ['IAB25', 'IAB26'],
};

const ALL_FLAGS = new Set(Object.keys(FLAG_CATEGORIES) as PolicyFlag[]);

/** Flags the request forbids: every one under COPPA (children), else those whose categories bcat blocks. */
export function blockedPolicyFlags(request: BidRequest): ReadonlySet<PolicyFlag> {
  if (request.regs.coppa) return ALL_FLAGS;
  const blocked = new Set<PolicyFlag>();
  for (const flag of ALL_FLAGS) {
    if (FLAG_CATEGORIES[flag].some((c) => categoryBlocked(request.bcat, c))) blocked.add(flag);
  }
  return blocked;
}

/** The request's bcat blocks one of the creative's categories, or badv one of its domains. */
export function blockedByRequest(request: BidRequest, cat: readonly string[], adomain: readonly string[]): boolean {
  return requestBlocks(request).blocks(cat, adomain);
}

// The request's blocks, normalized once per imp rather than once per candidate.
function requestBlocks(request: BidRequest) {
  const { bcat } = request;
  const badv = request.badv.map((d) => d.toLowerCase());
  return {
    blocks(cat: readonly string[], adomain: readonly string[]): boolean {
      if (bcat.length > 0 && cat.some((c) => categoryBlocked(bcat, c))) return true;
      if (badv.length === 0) return false;
      return adomain.some((d) => {
        const domain = d.toLowerCase();
        return badv.some((b) => domain === b || domain.endsWith(`.${b}`));
      });
    },
  };
}

/** A blocked category blocks itself and its sub-categories (IAB7 blocks IAB7-39, not the reverse). */
function categoryBlocked(bcat: readonly string[], category: string): boolean {
  return bcat.some((b) => category === b || category.startsWith(`${b}-`));
}

export function budgetExhausted(campaign: Campaign, spend: CampaignSpend): boolean {
  const { totalMicros, dailyMicros } = campaign.budget;
  return spend.totalMicros >= totalMicros || (dailyMicros !== null && spend.todayMicros >= dailyMicros);
}

const DAY_MS = 86_400_000;

/**
 * Even pacing of a daily budget: a campaign may bid while today's spend is within the share of
 * the day elapsed (plus 5 % of the budget as slack, so it can start the day), which stops a
 * fast-spending campaign from exhausting its budget in the morning.
 */
export const evenDailyPacing: PacingRule = (campaign, spend, nowMs) => {
  const daily = campaign.budget.dailyMicros;
  if (daily === null) return true;
  const elapsed = (((nowMs % DAY_MS) + DAY_MS) % DAY_MS) / DAY_MS;
  return spend.todayMicros <= daily * (elapsed + 0.05);
};
