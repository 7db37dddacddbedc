import { backoffDelay, sleep } from './backoff.ts';
import { classify, type Stage } from './classify.ts';
import type { StreamConfig } from './config.ts';
import { Abandon } from './control.ts';
import { HopCrashedError } from './errors.ts';
import type { Log } from './types.ts';

export interface RetryScope {
  readonly hop: string;
  readonly config: StreamConfig;
  readonly signal: AbortSignal;
  readonly log: Log;
}

/**
 * Runs a Kafka call until it succeeds: transient errors back off (capped, jittered) and retry;
 * a rebalance abandons the chunk; anything else crashes the hop. A stopping hop gives up
 * retrying rather than hang its shutdown; the uncommitted chunk is redelivered.
 */
export async function retrying<T>(scope: RetryScope, stage: Stage, fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const verdict = classify(error, stage);
      if (verdict.action === 'abandon') throw new Abandon(verdict.reason);
      if (verdict.action !== 'retry') throw new HopCrashedError(scope.hop, stage, error);
      if (scope.signal.aborted) throw new Abandon(`stopping while ${stage} kept failing: ${verdict.reason}`);
      const delay = backoffDelay(attempt, { initialMs: scope.config.retryInitialMs, maxMs: scope.config.retryMaxMs });
      scope.log('warn', `${stage} failed, retrying`, { attempt: attempt + 1, delayMs: delay, error: verdict.reason });
      await sleep(delay, scope.signal);
    }
  }
}
