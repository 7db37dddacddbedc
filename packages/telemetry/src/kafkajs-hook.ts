import { register } from 'node:module';

/**
 * kafkajs is CommonJS and our code is ESM: an `import 'kafkajs'` from ESM does not go through
 * `require`, so the instrumentation's require hook alone never sees it. The ESM loader hook of
 * `@opentelemetry/instrumentation` (import-in-the-middle) does; it is registered here for
 * kafkajs only, so that it does not wrap (and slow down, or break) every other module.
 * Must run before kafkajs is first loaded; the instrumentation itself is enabled afterwards.
 */
export function registerKafkajsLoaderHook(): void {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ['kafkajs'] } });
}
