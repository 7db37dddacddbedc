import type { Hop } from '@adtrace/stream';
import { createAttribute } from './attribute-hop.ts';
import type { TrackingConfig } from './config.ts';
import { createRekey, type StageOptions } from './rekey-hop.ts';

/**
 * The tracking service: two hops in one process, re-key then attribute, joined by the internal
 * re-keyed topic. One process because they are one unit to deploy, configure (the same keys,
 * secret and topics) and scale (the internal topic has the impressions' partition count, so
 * both stages have as many tasks); two hops because each is its own exactly-once consumer group:
 * stage one must repartition before stage two can join per partition. A crash of either stops
 * both (`done` rejects), so the process exits 1 and is restarted whole. Readiness is stage two's
 * (`TRACKING_HEALTH_PORT`), reported once both have started.
 */
export function createTracking(config: TrackingConfig, options: StageOptions = {}): Hop {
  const { onShutdown, ...stage } = options;
  const rekey = createRekey(config, stage);
  const attribute = createAttribute(config, stage);
  const hops = [rekey, attribute];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.allSettled(hops.map((h) => h.stop()));
      await onShutdown?.();
    })();
    return stopping;
  };
  // Either crashing stops the other; done settles once both have stopped.
  const done = (async () => {
    const settled = await Promise.allSettled(
      hops.map((h) =>
        h.done.catch((error: unknown) => {
          void stop();
          throw error;
        }),
      ),
    );
    await stop();
    const crashed = settled.find((s) => s.status === 'rejected');
    if (crashed) throw crashed.reason;
  })();
  done.catch(() => {}); // observed by runUntilSignal; never an unhandled rejection here
  return {
    name: attribute.name,
    async start() {
      // Stage one creates the internal topic (partitionsLike) that stage two reads.
      await rekey.start();
      await attribute.start();
    },
    stop,
    done,
    get healthPort() {
      return attribute.healthPort;
    },
    get ready() {
      return rekey.ready && attribute.ready;
    },
    [Symbol.asyncDispose]: stop,
  };
}
