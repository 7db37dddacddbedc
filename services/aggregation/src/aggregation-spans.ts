import { type Tracer, trace } from '@opentelemetry/api';

/** Attributes of ads.aggregate.apply (one per event, in its trace) and ads.aggregate.flush (one per emitted window, a root linked to its events). */
export const AggregateAttr = {
  campaignId: 'campaign.id',
  kind: 'ads.event.kind',
  /** counted | restating | late-dropped | late-unretained (duplicates never reach the handler). */
  outcome: 'ads.aggregate.outcome',
  windowStart: 'roas.window.start_ms',
  windowEnd: 'roas.window.end_ms',
  /** closed | restated | final */
  windowEvent: 'roas.window.event',
  revision: 'roas.revision',
  final: 'roas.final',
  generation: 'roas.generation',
  /** Events counted in the window (the links show at most 32 of them). */
  events: 'roas.events',
  lateDropped: 'roas.late_dropped',
  /** A budget in a currency without a rate: its alerts cannot be judged. */
  budgetError: 'ads.budget.error',
} as const;

export const aggregationTracer = (): Tracer => trace.getTracer('adtrace.aggregation');
