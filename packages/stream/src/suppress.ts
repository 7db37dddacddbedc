import { type Context, context, createContextKey } from '@opentelemetry/api';
import type { Consumer } from 'kafkajs';

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
 * Runs kafkajs client calls with tracing suppressed: the kafkajs instrumentation's `send` and
 * `transaction` spans become non-recording and its propagator injects nothing, so the
 * traceparent the runtime wrote survives.
 */
export function runSuppressed<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}

type Wrapped = { __wrapped?: boolean; __unwrap?: () => void };

/**
 * Suppression is not enough for the consumer: the instrumentation's eachBatch patch starts its
 * `poll <topic>` span on an explicit ROOT_CONTEXT, which no suppressed active context reaches,
 * so it would record one root trace per batch. The runtime owns its consumer spans, so it undoes
 * the `run` patch on its own consumer instance (shimmer's `__unwrap`, the convention behind the
 * instrumentation package's `isWrapped`). Other consumers in the process keep the patch.
 * Returns whether a patch was removed.
 */
export function optOutOfConsumerInstrumentation(consumer: Consumer): boolean {
  const run = consumer.run as Consumer['run'] & Wrapped;
  if (run.__wrapped !== true || typeof run.__unwrap !== 'function') return false;
  run.__unwrap();
  return (consumer.run as Wrapped).__wrapped !== true;
}
