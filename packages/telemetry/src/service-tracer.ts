import {
  type Attributes,
  type Context,
  context,
  diag,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { isAnyValue, isTracingSuppressed } from '@opentelemetry/core';
import { leanTracer } from './lean-span.ts';

/**
 * A service's tracer for its own spans (`ads.serve`, `ads.auction`, …): an API `Tracer` that
 * makes its spans on the lean path (lean-span.ts) when `startTelemetry` registered it, and is
 * the API's `trace.getTracer(name)` otherwise. The auction alone makes ~13 spans per request,
 * so what the SDK's `startSpan` costs beyond the lean one (attribute validation twice, its
 * self-metrics, time arrays: 4.9 against 1.4 µs, `pnpm bench spans`) is paid that many times.
 *
 * Unlike the runtime's own spans, the attributes come from service code: they are checked once
 * (an invalid value is dropped, as the SDK drops it) and copied. A span with links, or a new
 * root, goes through the SDK: those are rare (fan-in and load spans) and the lean path keeps
 * to the common case.
 */
export function serviceTracer(name: string): Tracer {
  return new ServiceTracer(name);
}

/**
 * Runs `fn` and ends `span` after it; a throw marks the span ERROR with its message and goes on
 * (the runtime dead-letters or retries the message, and the span says which step failed).
 */
export function ended<T>(span: Span, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

class ServiceTracer implements Tracer {
  readonly #name: string;
  readonly #api: Tracer;

  constructor(name: string) {
    this.#name = name;
    this.#api = trace.getTracer(name);
  }

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = context.active()): Span {
    const lean = leanTracer();
    if (!lean || options.root || (options.links && options.links.length > 0) || isTracingSuppressed(ctx)) {
      return this.#api.startSpan(name, options, ctx);
    }
    const kind = options.kind ?? SpanKind.INTERNAL;
    return lean.startSpan(this.#name, name, kind, validAttributes(options.attributes), ctx, options.startTime);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a?: SpanOptions | F,
    b?: Context | F,
    c?: F,
  ): ReturnType<F> {
    // The API's overloads, as the SDK's Tracer reads them.
    let options: SpanOptions = {};
    let parent = context.active();
    let fn: F;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a ?? {};
      fn = b;
    } else {
      options = a ?? {};
      parent = b ?? parent;
      fn = c!;
    }
    const span = this.startSpan(name, options, parent);
    // A not-sampled parent's child is that parent's own non-recording span (lean-span.ts,
    // `unsampledChild`): already the active context's span, so no context is made to hold it.
    if (span === trace.getSpan(parent) && parent === context.active()) return fn(span) as ReturnType<F>;
    return context.with(trace.setSpan(parent, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}

/** A copy holding what the SDK would keep (the lean span keeps the object it is given). */
function validAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  if (!attributes) return out;
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    const value = attributes[key];
    if (value === undefined) continue; // dropped silently, as the SDK does
    const t = typeof value;
    // What the SDK keeps: any OTLP AnyValue (a map too), checked the cheap way first.
    if (key && (t === 'string' || t === 'number' || t === 'boolean' || isAnyValue(value))) out[key] = value;
    else diag.warn(`Invalid attribute value set for key: ${key}`);
  }
  return out;
}
