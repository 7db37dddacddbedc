import { type Context, context, createContextKey } from '@opentelemetry/api';

/**
 * The SDK's suppression key, as `suppressTracing` in @opentelemetry/core defines it.
 * `createContextKey` is `Symbol.for(description)`, so this is the very same key without a
 * dependency on the SDK (the library sees only @opentelemetry/api). The instrumentation test
 * proves that the SDK and the W3C propagator honour it.
 */
const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export function suppressTracing(ctx: Context): Context {
  return ctx.setValue(SUPPRESS_TRACING_KEY, true);
}

export function isTracingSuppressed(ctx: Context): boolean {
  return ctx.getValue(SUPPRESS_TRACING_KEY) === true;
}

/**
 * Runs client calls with tracing suppressed: whatever instrumentation is still in place records
 * nothing and its propagator injects nothing (the consumer's run loop; see kafka/unwrap.ts for
 * the patches the runtime removes outright).
 */
export function runSuppressed<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}
