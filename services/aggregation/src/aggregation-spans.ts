import type { RoasWindow } from '@adtrace/schemas';
import { startFanInSpan } from '@adtrace/stream';
import { serviceTracer } from '@adtrace/telemetry/tracer';
import { context, type SpanContext, TraceFlags, type Tracer, trace } from '@opentelemetry/api';
import type { RoasAccumulator } from './roas-state.ts';

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

export const aggregationTracer = (): Tracer => serviceTracer('adtrace.aggregation');

/**
 * One window serves many events, so its emission belongs to none of their traces: an
 * ads.aggregate.flush span, the root of its own trace with links to the window's first events'
 * apply spans; `emit` runs inside it (the runtime's send span of the window's output is the flush span's child).
 */
export function traceFlush(
  tracer: Tracer,
  record: RoasWindow,
  window: { readonly type: string; readonly value: RoasAccumulator },
  emit: () => void,
): void {
  const links: SpanContext[] = window.value.links.map(([traceId, spanId]) => ({
    traceId,
    spanId,
    traceFlags: TraceFlags.SAMPLED,
  }));
  const span = startFanInSpan(tracer, 'ads.aggregate.flush', links, {
    attributes: {
      [AggregateAttr.campaignId]: record.campaignId,
      [AggregateAttr.windowStart]: record.windowStartMs,
      [AggregateAttr.windowEnd]: record.windowEndMs,
      [AggregateAttr.windowEvent]: window.type,
      [AggregateAttr.revision]: record.revision,
      [AggregateAttr.final]: record.final,
      [AggregateAttr.generation]: record.generation,
      [AggregateAttr.events]: window.value.events,
      [AggregateAttr.lateDropped]: record.lateDropped,
    },
  });
  try {
    context.with(trace.setSpan(context.active(), span), emit);
  } finally {
    span.end();
  }
}
