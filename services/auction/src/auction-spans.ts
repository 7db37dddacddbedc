// The spans of one imp's decision, nested as one chain in the request's trace:
// ads.candidate_selection → ads.policy_filter → ads.auction → ads.auction.score_ad (top N), and
// the outcome emitted under ads.auction (its traceparent: delivery's process span is its child).
// decide.ts times each imp's stages (`StageTimes`): each span starts where its stage began and
// all end with the decision, so a span's self time (its duration less its child's) is its own
// stage's time — what the cost per span charges. score_ad spans are instants at the end. A
// timed-out request never reached the stages: only its ads.auction span is opened.

import type { ImpDecision, StageTimes } from '@adtrace/ads';
import { SpanAttributes } from '@adtrace/telemetry/attributes';
import { serviceTracer } from '@adtrace/telemetry/tracer';
import { type Attributes, context, type Span, type Tracer, trace } from '@opentelemetry/api';

export const AuctionAttr = {
  impId: 'ads.imp_id',
  outcome: 'ads.auction.outcome',
  modelVersion: 'ads.model_version',
  noFillReason: 'ads.no_fill.reason',
  noFillCode: 'ads.no_fill.code',
  /** On an impression's process span: recorded, uncapped, unknown_campaign or anonymous. */
  capUpdate: 'ads.frequency_cap.update',
} as const;

export interface DecisionSpans {
  /** Absent when the stages did not run (timeout). */
  readonly candidateSelection?: Attributes;
  readonly policyFilter?: Attributes;
  readonly auction: Attributes;
  /** One ads.auction.score_ad per top participant, best first. */
  readonly scoreAds: readonly Attributes[];
}

/** What each span of a decision says: pure. */
export function decisionSpans(decision: ImpDecision, eventId: string): DecisionSpans {
  const common = { [SpanAttributes.eventId]: eventId, [AuctionAttr.impId]: decision.imp.id };
  const { outcome, candidates, policy, auction } = decision;
  return {
    ...(candidates && { candidateSelection: { ...common, ...candidates.attributes } }),
    ...(policy && { policyFilter: { ...common, ...policy.attributes } }),
    auction: {
      ...common,
      ...(auction?.attributes ?? { 'auction.participants': 0 }),
      [AuctionAttr.outcome]: outcome.outcome,
      ...(outcome.modelVersion !== null && { [AuctionAttr.modelVersion]: outcome.modelVersion }),
      ...(outcome.noFill && { [AuctionAttr.noFillReason]: outcome.noFill.reason }),
      ...(outcome.noFill?.code != null && { [AuctionAttr.noFillCode]: outcome.noFill.code }),
    },
    scoreAds: (auction?.scoredAds ?? []).map((a) => ({ ...common, ...a })),
  };
}

/** A decision's stage times (`performance.now` ms) as the epoch ms, fractional, that spans take. */
export function epochTimes(times: StageTimes, origin = performance.timeOrigin): StageTimes {
  return {
    start: origin + times.start,
    candidatesEnd: origin + times.candidatesEnd,
    policyEnd: origin + times.policyEnd,
    end: origin + times.end,
  };
}

/**
 * Opens the decision's spans at their stages' starts (`times`, epoch ms), each the parent of the
 * next, and runs `inside` (the emit of the outcome) in ads.auction's context before ending them
 * all at `times.end`. The parents are passed to startSpan rather than made active one by one
 * (startActiveSpan): only the emit, which takes its parent from the active context, runs in a
 * context.with — one per imp instead of three.
 */
export function traceDecision(tracer: Tracer, spans: DecisionSpans, times: StageTimes, inside: () => void): void {
  const { end } = times;
  let parent = context.active();
  const opened: Span[] = [];
  const open = (name: string, attributes: Attributes, start: number) => {
    const span = tracer.startSpan(name, { attributes, startTime: start }, parent);
    opened.push(span);
    parent = trace.setSpan(parent, span);
  };
  try {
    if (spans.candidateSelection) open('ads.candidate_selection', spans.candidateSelection, times.start);
    if (spans.policyFilter) open('ads.policy_filter', spans.policyFilter, times.candidatesEnd);
    open('ads.auction', spans.auction, spans.policyFilter ? times.policyEnd : times.start);
    for (const attributes of spans.scoreAds) {
      tracer.startSpan('ads.auction.score_ad', { attributes, startTime: end }, parent).end(end);
    }
    context.with(parent, inside);
  } finally {
    // Innermost first, as the nested calls ended them: a child ends before its parent.
    for (let i = opened.length - 1; i >= 0; i--) opened[i]!.end(end);
  }
}

export const auctionTracer = (): Tracer => serviceTracer('adtrace.auction');
