import type { AttributedEvent, RoasWindow } from '@adtrace/schemas';
import type { RoasConfig } from './config.ts';
import {
  type ApplyOutcome,
  advanceWatermark,
  aggregationDedupKey,
  applyEvent,
  dedupExpiresAtMs,
  EMPTY_ROAS_STATE,
  flushWindows,
  type RoasState,
} from './roas-windows.ts';

/**
 * The whole aggregation rule in memory: de-duplicate (first wins), window, flush. The reference
 * the service is checked against; the service itself puts the state in the runtime's store
 * and the seen keys in its de-duplication store, with dedupExpiresAtMs as their TTL.
 */
export class RoasAggregator {
  readonly #config: RoasConfig;
  readonly #seen = new Map<string, number>();
  #state: RoasState;

  constructor(config: RoasConfig, state: RoasState = EMPTY_ROAS_STATE) {
    this.#config = config;
    this.#state = state;
  }

  get state(): RoasState {
    return this.#state;
  }

  apply(event: AttributedEvent): ApplyOutcome | 'duplicate' {
    const key = aggregationDedupKey(event);
    if (this.#seen.has(key)) return 'duplicate';
    this.#seen.set(key, dedupExpiresAtMs(event, this.#config));
    const { next, outcome } = applyEvent(this.#state, event, this.#config);
    this.#state = next;
    return outcome;
  }

  advance(watermarkMs: number): void {
    this.#state = advanceWatermark(this.#state, watermarkMs);
  }

  flush(emittedAtMs: number): RoasWindow[] {
    const { next, emitted } = flushWindows(this.#state, this.#config, emittedAtMs);
    this.#state = next;
    const wm = next.watermarkMs ?? Number.NEGATIVE_INFINITY;
    for (const [key, expiresAt] of this.#seen) if (expiresAt < wm) this.#seen.delete(key);
    return emitted;
  }
}
