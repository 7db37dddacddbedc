import { classify } from '../classify.ts';

/** A client failure caused by the broker being away (restarting, electing, unreachable, loading). */
export function brokerAway(error: unknown): boolean {
  if (classify(error, 'startup').action === 'retry') return true;
  for (
    let e = error as { message?: unknown; cause?: unknown } | undefined, i = 0;
    e && i < 5;
    e = e.cause as never, i++
  ) {
    if (
      typeof e.message === 'string' &&
      /group coordinator|coordinator is loading|ECONNREFUSED|Connection error|not available/i.test(e.message)
    )
      return true;
  }
  return false;
}

export interface RestartPolicy {
  /** Handles a consumer that gave up: started again later if the broker is away, else `crash`. */
  crashed(error: unknown): void;
  /** The consumer is back (it joined its group): the next outage starts from the shortest pause. */
  recovered(): void;
}

/**
 * kafkajs restarts a consumer only after errors it calls retriable; a broker that is restarting
 * makes it give up for good with "Failed to find group coordinator" (the broker answers, its
 * group coordinator is still loading). That is the world, not a bug: `start` runs again, with a
 * backoff from 0.5 s to 2 s (as the consumer's own retries), for as long as the broker is away:
 * a longer pause is time the service stays stopped after the broker is back. Anything else, or a consumer
 * being stopped, goes to `crash`.
 */
export function restartWhileBrokerAway(parts: {
  readonly start: () => Promise<void>;
  readonly stopped: () => boolean;
  readonly crash: (error: unknown) => void;
  /** Tests pass a timer of their own; the default does not hold the process open. */
  readonly schedule?: (fn: () => void, ms: number) => void;
}): RestartPolicy {
  const schedule = parts.schedule ?? ((fn, ms) => void setTimeout(fn, ms).unref());
  let restarts = 0;
  const crashed = (error: unknown) => {
    if (parts.stopped() || !brokerAway(error)) return parts.crash(error);
    const delay = Math.min(2_000, 500 * 2 ** Math.min(restarts++, 2));
    schedule(() => {
      if (!parts.stopped()) parts.start().catch(crashed);
    }, delay);
  };
  return {
    crashed,
    recovered: () => {
      restarts = 0;
    },
  };
}
