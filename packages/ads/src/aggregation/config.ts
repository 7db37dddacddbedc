// ROAS window configuration: event-time tumbling windows with grace for late data.

export interface RoasConfig {
  /** Tumbling window length (default 1 minute). */
  readonly windowMs: number;
  /** How long after a window's end late data still restates it (default 5 minutes). */
  readonly graceMs: number;
  /**
   * How long after end + grace a final window stays in state, so that data arriving later still
   * shows in that window's lateDropped (default 1 hour); past it, late data is only counted in
   * the state's lateUnretained and sent to adtrace.late-events.
   */
  readonly retentionMs: number;
  /** Generation of the numbers: 0 for the live aggregation, +1 per `adtrace roas rebuild`. */
  readonly generation: number;
}

export const DEFAULT_ROAS_CONFIG: RoasConfig = {
  windowMs: 60_000,
  graceMs: 300_000,
  retentionMs: 3_600_000,
  generation: 0,
};

/** Defaults plus overrides, checked: a wrong value throws a RangeError naming the field. */
export function toRoasConfig(overrides: Partial<RoasConfig> = {}): RoasConfig {
  const config = { ...DEFAULT_ROAS_CONFIG, ...overrides };
  for (const [name, value] of Object.entries(config)) {
    if (!Number.isSafeInteger(value) || value < 0)
      throw new RangeError(`roas config ${name} must be a non-negative integer, got ${String(value)}`);
  }
  if (config.windowMs < 1) throw new RangeError('roas config windowMs must be at least 1');
  return config;
}

export function windowStartOf(eventTimeMs: number, windowMs: number): number {
  return Math.floor(eventTimeMs / windowMs) * windowMs;
}
