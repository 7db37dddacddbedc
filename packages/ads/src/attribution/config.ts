// Attribution windows and the bounds of per-user touch state. Plain numbers (ms), so the
// tracking service can read them from env and a test can build them inline.

export interface AttributionConfig {
  /** A click counts for conversions at most this long after it (default 7 days). */
  readonly clickWindowMs: number;
  /** An impression counts (view-through) at most this long after it (default 1 day). */
  readonly viewWindowMs: number;
  /**
   * How late (behind stream time) a conversion may arrive and still find its touches: a touch
   * is kept until touchTime + window + latenessMs < stream time. Default 1 hour (interstitial
   * events arrive 30 minutes or more late).
   */
  readonly latenessMs: number;
  /** At most this many clicks and this many impressions per user (newest kept); bounds state against click floods. */
  readonly maxTouchesPerType: number;
}

const DAY_MS = 86_400_000;

export const DEFAULT_ATTRIBUTION_CONFIG: AttributionConfig = {
  clickWindowMs: 7 * DAY_MS,
  viewWindowMs: DAY_MS,
  latenessMs: 3_600_000,
  maxTouchesPerType: 100,
};

/** Defaults plus overrides, checked: a wrong value throws a RangeError naming the field. */
export function toAttributionConfig(overrides: Partial<AttributionConfig> = {}): AttributionConfig {
  const config = { ...DEFAULT_ATTRIBUTION_CONFIG, ...overrides };
  for (const [name, value] of Object.entries(config)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`attribution config ${name} must be a non-negative integer, got ${String(value)}`);
    }
  }
  if (config.maxTouchesPerType < 1) throw new RangeError('attribution config maxTouchesPerType must be at least 1');
  return config;
}
