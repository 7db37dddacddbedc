// The windows the load's truth depends on, read from the variables the services read, with
// their defaults: run `adtrace load` with the environment of `adtrace up` and the truth holds.
import { DEFAULT_ATTRIBUTION_CONFIG, DEFAULT_ROAS_CONFIG, type PipelineWindows } from '@adtrace/ads';
import { UsageError } from '../command.ts';

const DAY_MS = 86_400_000;

export function pipelineWindows(env: NodeJS.ProcessEnv = process.env): PipelineWindows {
  const ms = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min)
      throw new UsageError(`${name} must be an integer ≥ ${min} (ms), got ${raw}`);
    return n;
  };
  const graceMs = ms('AGGREGATION_GRACE_MS', DEFAULT_ROAS_CONFIG.graceMs, 0);
  return {
    windowMs: ms('AGGREGATION_WINDOW_MS', DEFAULT_ROAS_CONFIG.windowMs, 1),
    graceMs,
    clickWindowMs: ms('TRACKING_CLICK_WINDOW_MS', DEFAULT_ATTRIBUTION_CONFIG.clickWindowMs, 1),
    viewWindowMs: ms('TRACKING_VIEW_WINDOW_MS', DEFAULT_ATTRIBUTION_CONFIG.viewWindowMs, 1),
    tokenTtlMs: ms('DELIVERY_TOKEN_TTL_MS', 7 * DAY_MS, 1),
    // Late beyond grace means at least this much past it, so lag in stream time never blurs the
    // class: a minute on the default 5-minute grace, half the grace on short ones.
    latenessMarginMs: Math.min(60_000, Math.max(1_000, Math.floor(graceMs / 2))),
  };
}
