import type { Span, Tracer } from '@opentelemetry/api';
import { backoffDelay, sleep } from './backoff.ts';
import { classify, type Stage, type Verdict } from './classify.ts';
import type { StreamConfig } from './config.ts';
import { Abandon, type FailureBreaker } from './control.ts';
import { HopCrashedError } from './errors.ts';

/** What handling one message needs of its hop: a hop's handler and a sink's decode and write alike. */
export interface MessageParts {
  /** The consumer group: the stage named in dead letters. */
  readonly name: string;
  readonly tracer: Tracer;
  readonly config: StreamConfig;
  readonly signal: AbortSignal;
}

/**
 * The verdict on a failed attempt, and whether to try again: transient errors and rebalances
 * always (the keep-alive gives up on a revoked partition), unclassified handler or write errors
 * until `handlerAttempts` attempts were made. A crash verdict throws HopCrashedError.
 */
export function judge(
  parts: MessageParts,
  error: unknown,
  stage: Stage,
  attempt: number,
): { verdict: Verdict; again: boolean } {
  const verdict = classify(error, stage);
  if (verdict.action === 'crash') throw new HopCrashedError(parts.name, stage, error);
  const again =
    verdict.action === 'retry' ||
    verdict.action === 'abandon' ||
    (verdict.retryFirst && attempt + 1 < parts.config.handlerAttempts);
  return { verdict, again };
}

/** Waits out the backoff before the next attempt; a stopping hop gives up (Abandon: redelivered). */
export async function backOff(
  parts: MessageParts,
  attempt: number,
  verdict: Verdict,
  spans: readonly Span[],
  keepAlive: () => Promise<void>,
): Promise<void> {
  const event = { 'adtrace.retry.attempt': attempt + 1, 'error.type': verdict.errorClass };
  for (const span of spans) span.addEvent('adtrace.retry', event);
  const { retryInitialMs: initialMs, retryMaxMs: maxMs } = parts.config;
  await sleep(backoffDelay(attempt, { initialMs, maxMs }), parts.signal);
  if (parts.signal.aborted) throw new Abandon('stopping during a retry');
  await keepAlive();
}

/**
 * Before a dead letter: `maxConsecutiveFailures` in a row for undeclared errors on one partition
 * are a bug, not bad input.
 */
export function checkBreaker(
  parts: MessageParts,
  breaker: FailureBreaker,
  verdict: Verdict,
  stage: Stage,
  error: unknown,
): void {
  if (verdict.declared || !breaker.failure()) return;
  const why = `${parts.config.maxConsecutiveFailures} messages in a row failed without a declared reason; last: ${verdict.reason}`;
  throw new HopCrashedError(parts.name, stage, new Error(why, { cause: error }));
}
