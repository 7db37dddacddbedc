import {
  type Attributes,
  isSpanContextValid,
  type Link,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanKind,
  type TimeInput,
  type Tracer,
} from '@opentelemetry/api';

/** Attributes of a fan-in span: how many distinct valid events it served, and how many got no link. */
export const FanInAttr = {
  linksTotal: 'adtrace.links.total',
  linksDropped: 'adtrace.links.dropped',
} as const;

export interface FanInOptions {
  /** At most this many links (default 128, the SDK's default link limit). */
  readonly maxLinks?: number;
  readonly attributes?: Attributes;
  readonly kind?: SpanKind;
  readonly startTime?: TimeInput;
}

/**
 * A span that serves many events (a window flush, a segment publish) belongs to none of their
 * traces: parenting it on one would put the others' work in a stranger's trace, and a trace
 * per batch would hide the events. So it is the ROOT of a new trace, whatever context is
 * active, with links to the events' span contexts.
 *
 * Links are bounded: the first `maxLinks` distinct valid contexts, in the caller's order (put
 * the ones worth following first). Invalid contexts (no trace, e.g. an event that came without
 * a traceparent) and repeats of one span are skipped. `adtrace.links.total` counts the distinct
 * valid contexts, `adtrace.links.dropped` those beyond the bound, so a reader knows what the
 * links do not show. The span is started, not made active; the caller ends it.
 */
export function startFanInSpan(
  tracer: Tracer,
  name: string,
  linked: Iterable<SpanContext>,
  options: FanInOptions = {},
): Span {
  const maxLinks = options.maxLinks ?? 128;
  if (!Number.isInteger(maxLinks) || maxLinks < 0)
    throw new RangeError(`maxLinks must be an integer >= 0: ${maxLinks}`);
  const seen = new Set<string>();
  const links: Link[] = [];
  for (const ctx of linked) {
    if (!isSpanContextValid(ctx)) continue;
    const id = `${ctx.traceId}-${ctx.spanId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (links.length < maxLinks) links.push({ context: ctx });
  }
  return tracer.startSpan(
    name,
    {
      root: true,
      links,
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.startTime === undefined ? {} : { startTime: options.startTime }),
      attributes: {
        ...options.attributes,
        [FanInAttr.linksTotal]: seen.size,
        [FanInAttr.linksDropped]: seen.size - links.length,
      },
    },
    ROOT_CONTEXT,
  );
}
