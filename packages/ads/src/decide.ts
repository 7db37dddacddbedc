// The auction service's decision for one request, composed from the pure stages: per imp,
// candidate selection → policy filter (with pCTR scoring of the survivors) → auction, and
// an AuctionOutcome record, win or no-fill with a reason. Each stage's span attributes are
// returned so the service can open its spans around exactly these calls.
import type { AuctionOutcome, BidRequest, Imp, NoFillReason, UserProfile } from '@adtrace/schemas';
import type { AdIndex } from './ad-index.ts';
import { type AuctionResult, auctionWin, isTimedOut, noFill, runAuction } from './auction.ts';
import {
  type CandidateAttributes,
  type CandidateSelection,
  DEFAULT_CANDIDATES_K,
  prepareRequestTargeting,
  type RequestTargeting,
  selectCandidates,
} from './candidates.ts';
import { recordImpression } from './frequency-cap.ts';
import { adHashes, contextHashes, pctrContext } from './pctr/features.ts';
import { type PctrModel, predictCtr } from './pctr/model.ts';
import { placementOf } from './placement.ts';
import {
  ecpmMicros,
  type PolicyAttributes,
  type PolicyInput,
  type PolicyResult,
  policyFilter,
  type ScoredBid,
} from './policy.ts';

export interface DecisionOptions {
  readonly nowMs: number;
  readonly capState?: PolicyInput['capState'];
  readonly spend?: PolicyInput['spend'];
  readonly pacing?: PolicyInput['pacing'];
  readonly candidatesK?: number;
  readonly scoredSpans?: number;
  /**
   * A monotonic clock in ms (`performance.now`): given, each imp's decision says when its stages
   * ended (`times`), so its spans show each stage's own time. Not given (an unsampled request),
   * no clock is read.
   */
  readonly clock?: () => number;
}

/**
 * When an imp's decision began and each of its stages ended, on `DecisionOptions.clock`. The
 * first imp begins with the request, so the request's shared targeting work is its candidate
 * selection's. A timed-out imp ran no stage: all four are the moment it was judged late.
 */
export interface StageTimes {
  readonly start: number;
  readonly candidatesEnd: number;
  readonly policyEnd: number;
  readonly end: number;
}

export interface ImpDecision {
  readonly imp: Imp;
  readonly outcome: AuctionOutcome;
  /** The pCTR model that priced the auction (null when it did not run). */
  readonly modelVersion: string | null;
  readonly candidates: CandidateSelection | null;
  readonly policy: PolicyResult | null;
  readonly auction: AuctionResult | null;
  /** With `DecisionOptions.clock` only. */
  readonly times?: StageTimes;
}

/** Decides every imp of a request; the request-level targeting work is shared by its imps. */
export function decideRequest(
  index: AdIndex,
  model: PctrModel,
  request: BidRequest,
  profile: UserProfile,
  options: DecisionOptions,
): ImpDecision[] {
  const { clock } = options;
  let start = clock?.();
  const timedOut = isTimedOut(request.receivedAtMs, request.tmax, options.nowMs);
  if (timedOut) {
    return request.imp.map((imp) => {
      const late = timeout(request, imp, options);
      if (start === undefined) return late;
      const at = start;
      return { ...late, times: { start: at, candidatesEnd: at, policyEnd: at, end: at } };
    });
  }
  const targeting = prepareRequestTargeting(index, request, profile, options.nowMs);
  // Caps and spend do not change while a request is decided, and its imps (and an imp's ads of
  // one campaign) ask for the same campaigns again: each campaign is looked up once per request
  // (the auction's lookups are store and table reads with a key built per call).
  // A campaign that wins an imp will be served with it: later imps of the same request count
  // that impression against its caps already (the impressions consumer has not seen it yet).
  const caps = options.capState && memoized(options.capState);
  const spend = options.spend && memoized(options.spend);
  const perImp: DecisionOptions = {
    ...options,
    ...(caps && { capState: caps.get }),
    ...(spend && { spend: spend.get }),
  };
  return request.imp.map((imp) => {
    const decision = decideImp(index, model, targeting, request, imp, profile, perImp, start);
    start = undefined; // the next imp begins when its decideImp does
    const winner = decision.auction?.winner;
    // An uncapped campaign's cap state is never asked for: its win changes nothing to remember.
    if (caps && winner && winner.candidate.entry.campaign.frequencyCaps.length > 0) {
      const { campaign } = winner.candidate.entry;
      caps.set(campaign.id, recordImpression(campaign.frequencyCaps, caps.get(campaign.id), options.nowMs));
    }
    return decision;
  });
}

/** A lookup by campaign id that asks `lookup` once per id; `set` overrides what it answers. */
function memoized<V>(lookup: (campaignId: string) => V | undefined) {
  const known = new Map<string, V | undefined>();
  return {
    get(campaignId: string): V | undefined {
      if (known.has(campaignId)) return known.get(campaignId);
      const value = lookup(campaignId);
      known.set(campaignId, value);
      return value;
    },
    set(campaignId: string, value: V | undefined): void {
      known.set(campaignId, value);
    },
  };
}

export function decideImp(
  index: AdIndex,
  model: PctrModel,
  targeting: RequestTargeting,
  request: BidRequest,
  imp: Imp,
  profile: UserProfile,
  options: DecisionOptions,
  /** When this imp's decision began, if before this call (the request's start, for its first imp). */
  startedAt?: number,
): ImpDecision {
  const { clock } = options;
  const start = startedAt ?? clock?.();
  const candidates = selectCandidates(index, imp, targeting, options.candidatesK ?? DEFAULT_CANDIDATES_K);
  const candidatesEnd = clock?.();
  const policy = policyFilter(candidates.candidates, {
    request,
    imp,
    nowMs: options.nowMs,
    ...(options.capState && { capState: options.capState }),
    ...(options.spend && { spend: options.spend }),
    ...(options.pacing !== undefined && { pacing: options.pacing }),
    score: scorer(model, request, imp, profile),
  });
  const policyEnd = clock?.();
  const auction = runAuction(policy.bids, {
    at: request.at,
    floorCpmMicros: policy.floorCpmMicros,
    ...(options.scoredSpans !== undefined && { scoredSpans: options.scoredSpans }),
  });
  const win = auctionWin(auction, policy.floorCpmMicros);
  const base = outcomeBase(request, imp, options.nowMs, model.modelVersion);
  const outcome: AuctionOutcome = win
    ? { ...base, outcome: 'WIN', win, noFill: null }
    : {
        ...base,
        outcome: 'NO_FILL',
        win: null,
        noFill: noFill(noFillReason(candidates.attributes, policy.attributes)),
      };
  const decision = { imp, outcome, modelVersion: model.modelVersion, candidates, policy, auction };
  if (start === undefined) return decision;
  return { ...decision, times: { start, candidatesEnd: candidatesEnd!, policyEnd: policyEnd!, end: clock!() } };
}

/** pCTR and eCPM of a candidate; the context's feature hashes are computed once per imp. */
export function scorer(model: PctrModel, request: BidRequest, imp: Imp, profile: UserProfile) {
  const ctx = contextHashes(pctrContext(request, imp, profile));
  return (candidate: CandidateSelection['candidates'][number]): ScoredBid => {
    const { ad, campaign } = candidate.entry;
    const pctr = predictCtr(model, ctx, adHashes(ad, campaign), candidate.similarity);
    return { candidate, pctr, ecpmMicros: ecpmMicros(ad.bidType, ad.bidMicros, pctr) };
  };
}

/**
 * Why no ad won. No ad fits the imp's formats → NO_CANDIDATES; some fit but targeting excluded
 * them → NO_TARGETING_MATCH; otherwise the filter that removed the most candidates (ties go to
 * the earlier filter in the order below, the order policy applies them).
 */
export function noFillReason(candidates: CandidateAttributes, policy: PolicyAttributes): NoFillReason {
  if (candidates['candidates.format_matched'] === 0) return 'NO_CANDIDATES';
  if (candidates['candidates.total'] === 0) return 'NO_TARGETING_MATCH';
  const removed: [NoFillReason, number][] = [
    ['POLICY_BLOCKED', policy['policy.removed_policy_violation']],
    ['BLOCKED_BY_REQUEST', policy['policy.removed_blocked_by_request']],
    ['BUDGET_EXHAUSTED', policy['policy.removed_budget'] + policy['policy.removed_pacing']],
    ['FREQUENCY_CAPPED', policy['policy.removed_frequency_cap']],
    ['BELOW_FLOOR', policy['policy.removed_below_floor']],
  ];
  let best: [NoFillReason, number] = ['OTHER', 0];
  for (const r of removed) if (r[1] > best[1]) best = r;
  return best[0];
}

function timeout(request: BidRequest, imp: Imp, options: DecisionOptions): ImpDecision {
  const age = options.nowMs - request.receivedAtMs;
  return {
    imp,
    outcome: {
      ...outcomeBase(request, imp, options.nowMs),
      outcome: 'NO_FILL',
      win: null,
      noFill: noFill('TIMEOUT', `request ${age} ms old, tmax ${request.tmax} ms`),
    },
    modelVersion: null,
    candidates: null,
    policy: null,
    auction: null,
  };
}

function outcomeBase(request: BidRequest, imp: Imp, nowMs: number, modelVersion: string | null = null) {
  return {
    modelVersion,
    eventId: request.eventId,
    requestId: request.id,
    impId: imp.id,
    userKey: request.userKey,
    decidedAtMs: nowMs,
    placement: placementOf(request),
    test: request.test,
  };
}
