// The spans of one imp's decision, nested as one chain in the request's trace:
// ads.candidate_selection → ads.policy_filter → ads.auction → ads.auction.score_ad (top N), and
// the outcome's send span under ads.auction. decide.ts decides a whole request in one call, so
// every stage span of a request starts when that call started and ends after it: the stage
// attributes are exact, the stage times are the decision's (per-stage timing would need hooks in
// decide.ts). A timed-out request never reached the stages: only its ads.auction span is opened.
import type { ImpDecision } from '@adtrace/ads';
import { SpanAttributes } from '@adtrace/telemetry/attributes';
import { type Attributes, type Span, type TimeInput, type Tracer, trace } from '@opentelemetry/api';

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

/**
 * Opens the decision's spans, each the active context of the next, from `startTime`, and runs
 * `inside` (the emit of the outcome) in ads.auction's context before ending them.
 */
export function traceDecision(tracer: Tracer, spans: DecisionSpans, startTime: TimeInput, inside: () => void): void {
  const open = (name: string, attributes: Attributes | undefined, then: () => void) => {
    if (!attributes) return then();
    tracer.startActiveSpan(name, { attributes, startTime }, (span: Span) => {
      try {
        then();
      } finally {
        span.end();
      }
    });
  };
  open('ads.candidate_selection', spans.candidateSelection, () =>
    open('ads.policy_filter', spans.policyFilter, () =>
      open('ads.auction', spans.auction, () => {
        for (const attributes of spans.scoreAds)
          tracer.startSpan('ads.auction.score_ad', { attributes, startTime }).end();
        inside();
      }),
    ),
  );
}

export const auctionTracer = (): Tracer => trace.getTracer('adtrace.auction');
