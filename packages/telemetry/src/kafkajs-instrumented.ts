import { createRequire } from 'node:module';

/**
 * Loads kafkajs instrumented, for every later import of it in the process.
 *
 * kafkajs is CommonJS and our code is ESM. The instrumentation patches `Kafka.prototype` when
 * kafkajs is `require`d (its require hook), and an ESM `import` does not go through `require` —
 * but an ESM `import` of a CommonJS module that is already loaded takes that very module from the
 * require cache. So the preload requires kafkajs once, after the instrumentation is enabled, and
 * every later `import 'kafkajs'` of the process gets the patched class (the same version: pnpm
 * links one copy, patched, for every package of the workspace).
 *
 * Before, an ESM loader hook (import-in-the-middle's, for kafkajs only) did this: Node runs such
 * hooks on a worker thread of their own, and every module the process imported after it went
 * through that thread — ~0.3 s of wall time and CPU at each start of every service (measured on a
 * service's imports), and a thread held for the process's life.
 */
export function loadKafkajsInstrumented(): void {
  createRequire(import.meta.url)('kafkajs');
}
