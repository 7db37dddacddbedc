import type { Hop } from '@adtrace/stream';
import { createAttribute } from './attribute-hop.ts';
import type { TrackingConfig } from './config.ts';
import { createRekey, type StageOptions } from './rekey-hop.ts';

/**
 * The tracking service: two hops in one process, re-key then attribute, joined by the internal
 * re-keyed topic. One process because they are one unit to deploy, configure (the same keys,
 * secret and topics) and scale (the internal topic has the impressions' partition count, so
 * both stages have as many tasks); two hops because each is its own exactly-once consumer group:
 * stage one must repartition before stage two can join per partition. Readiness is stage two's
 * (`TRACKING_HEALTH_PORT`).
 */
export function createTracking(config: TrackingConfig, options: StageOptions = {}): Hop {
  const { onShutdown, ...stage } = options;
  // Stage one first: it creates the internal topic (partitionsLike) that stage two reads.
  return combineHops([createRekey(config, stage), createAttribute(config, stage)], onShutdown);
}

/**
 * Hops run as one: started in order, stopped together (once, safe to call twice), `onShutdown`
 * after the last has stopped. Either crashing stops the others, and `done` rejects with the
 * first crash, so the process exits 1 and is restarted whole rather than half-running.
 */
export function combineHops(hops: readonly Hop[], onShutdown?: () => void | Promise<void>): Hop {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.allSettled(hops.map((h) => h.stop()));
      await onShutdown?.();
    })();
    return stopping;
  };
  const done = (async () => {
    let crash: { error: unknown } | undefined;
    await Promise.all(
      hops.map((h) =>
        h.done.catch((error: unknown) => {
          crash ??= { error };
          void stop();
        }),
      ),
    );
    await stop();
    if (crash) throw crash.error;
  })();
  done.catch(() => {}); // observed by runUntilSignal; never an unhandled rejection here
  const last = hops[hops.length - 1]!;
  return {
    name: last.name,
    async start() {
      for (const hop of hops) {
        if (stopping) throw new Error(`${last.name} stopped while starting`);
        await hop.start();
      }
    },
    stop,
    done,
    get healthPort() {
      return last.healthPort;
    },
    get ready() {
      return hops.every((h) => h.ready);
    },
    [Symbol.asyncDispose]: stop,
  };
}
