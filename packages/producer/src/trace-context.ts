// W3C trace context for a bid request: the caller's, or a new trace. Ingest continues the
// `traceparent` header it finds, so the trace id chosen here is the event's trace id.
import { randomBytes } from 'node:crypto';
import { type Context, context, isSpanContextValid, trace } from '@opentelemetry/api';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export interface TraceStart {
  readonly traceparent: string;
  readonly traceId: string;
  /** True when the caller's trace is continued, false when this request starts one. */
  readonly continued: boolean;
}

/** The trace id and parent span id of a valid version-00 traceparent; undefined otherwise. */
export function parseTraceparent(header: string): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const m = TRACEPARENT.exec(header.trim());
  if (!m || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, sampled: (Number.parseInt(m[3]!, 16) & 1) === 1 };
}

/**
 * A new trace: random ids, sampled with probability `sampleRatio` decided from the trace id
 * (as OpenTelemetry's ratio sampler does), so the pipeline's parent-based samplers keep or drop
 * the whole event together. `random` is injectable for deterministic tests and seeded loads.
 */
export function newTraceparent(sampleRatio = 1, random: (bytes: number) => Buffer = randomBytes): TraceStart {
  let traceId = random(16).toString('hex');
  while (traceId === ZERO_TRACE) traceId = random(16).toString('hex');
  let spanId = random(8).toString('hex');
  while (spanId === ZERO_SPAN) spanId = random(8).toString('hex');
  const sampled = sampleRatio >= 1 || Number.parseInt(traceId.slice(16, 24), 16) / 2 ** 32 < sampleRatio;
  return { traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`, traceId, continued: false };
}

/**
 * The trace a request travels in: the `traceparent` the caller names, else the active
 * OpenTelemetry span's (the caller is inside a traced operation), else a new trace. A
 * malformed explicit traceparent is the caller's bug, so it throws rather than silently
 * starting a trace the caller did not ask for.
 */
export function traceFor(
  explicit: string | undefined,
  sampleRatio = 1,
  active: Context = context.active(),
): TraceStart {
  if (explicit !== undefined) {
    const parsed = parseTraceparent(explicit);
    if (!parsed) throw new Error(`not a W3C traceparent: ${JSON.stringify(explicit)}`);
    return { traceparent: explicit.trim(), traceId: parsed.traceId, continued: true };
  }
  const span = trace.getSpanContext(active);
  if (span && isSpanContextValid(span)) {
    const flags = (span.traceFlags & 1).toString(16).padStart(2, '0');
    return { traceparent: `00-${span.traceId}-${span.spanId}-${flags}`, traceId: span.traceId, continued: true };
  }
  return newTraceparent(sampleRatio);
}
