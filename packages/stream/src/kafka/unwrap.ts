type Wrapped = { __wrapped?: boolean; __unwrap?: () => void };

/**
 * The stock kafkajs instrumentation wraps each client instance's methods (shimmer). The runtime
 * owns its messaging spans, so it undoes those patches on **its own** instances (shimmer's
 * `__unwrap`, the convention behind the instrumentation package's `isWrapped`):
 * - `consumer.run`: the eachBatch patch starts a root `poll <topic>` span per batch on an
 *   explicit ROOT_CONTEXT, which no suppressed active context reaches — one trace per batch;
 * - `producer.send/sendBatch/transaction`: suppressed calls record nothing, but still pay the
 *   wrapper on every call, and `transaction()` would parent every send on one span.
 * Other clients in the process keep the patches. Returns the methods that were unwrapped.
 */
export function unwrapInstrumentation(client: object, methods: readonly string[]): string[] {
  const done: string[] = [];
  for (const method of methods) {
    const fn = (client as Record<string, unknown>)[method] as Wrapped | undefined;
    if (fn?.__wrapped !== true || typeof fn.__unwrap !== 'function') continue;
    fn.__unwrap();
    if (((client as Record<string, unknown>)[method] as Wrapped).__wrapped !== true) done.push(method);
  }
  return done;
}
