import {
  type CalibrationConfig,
  DEFAULT_CALIBRATION_CONFIG,
  DEFAULT_ROAS_CONFIG,
  parseUsdRates,
  type RoasConfig,
  toRoasConfig,
} from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import {
  BACKGROUND_LINGER_MS,
  ConfigError,
  intSetting,
  readServiceEnv,
  type ServiceEnv,
  type StreamConfig,
  toConfig as toStreamConfig,
} from '@adtrace/stream';

export interface AggregationTopics {
  readonly events: string;
  readonly roas: string;
  readonly spend: string;
  readonly alerts: string;
  readonly late: string;
  readonly campaigns: string;
}

export interface AggregationConfig {
  readonly stream: StreamConfig;
  /**
   * Consumer group, changelog and transactional id prefix: `aggregation` for generation 0,
   * `aggregation-g<N>` for a rebuild's generation N, so a rebuild starts from empty state.
   */
  readonly group: string;
  readonly topics: AggregationTopics;
  /** Window size, grace, retention of final windows (for lateDropped), generation. */
  readonly roas: RoasConfig;
  readonly calibration: CalibrationConfig;
  /** Share of a budget at which BUDGET_PACING is raised (BUDGET_EXHAUSTED at 1). */
  readonly pacingShare: number;
  /** USD per unit of each currency budgets may be in; USD is always 1. */
  readonly usdRates: Readonly<Record<string, number>>;
}

const NAMES = [
  'AGGREGATION_GROUP',
  'AGGREGATION_GENERATION',
  'AGGREGATION_EVENTS_TOPIC',
  'AGGREGATION_ROAS_TOPIC',
  'AGGREGATION_SPEND_TOPIC',
  'AGGREGATION_ALERTS_TOPIC',
  'AGGREGATION_LATE_TOPIC',
  'AGGREGATION_CAMPAIGNS_TOPIC',
  'AGGREGATION_WINDOW_MS',
  'AGGREGATION_GRACE_MS',
  'AGGREGATION_RETENTION_MS',
  'AGGREGATION_CALIBRATION_WINDOW_MS',
  'AGGREGATION_CALIBRATION_MIN_IMPRESSIONS',
  'AGGREGATION_PACING_SHARE',
  'AGGREGATION_USD_RATES',
] as const;
type Name = (typeof NAMES)[number];
export type AggregationEnv = ServiceEnv<(typeof NAMES)[number]>;

/** Step one: AGGREGATION_* and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): AggregationEnv {
  return readServiceEnv('AGGREGATION', NAMES, env);
}

const DAY = 86_400_000;

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: AggregationEnv): AggregationConfig {
  const generation = int(env, 'AGGREGATION_GENERATION', 0, 0, 1_000_000);
  const roas = toRoasConfig({
    generation,
    windowMs: int(env, 'AGGREGATION_WINDOW_MS', DEFAULT_ROAS_CONFIG.windowMs, 1000, DAY),
    graceMs: int(env, 'AGGREGATION_GRACE_MS', DEFAULT_ROAS_CONFIG.graceMs, 0, 7 * DAY),
    retentionMs: int(env, 'AGGREGATION_RETENTION_MS', DEFAULT_ROAS_CONFIG.retentionMs, 0, 30 * DAY),
  });
  return {
    // No request waits on ROAS or spend: it lingers (BACKGROUND_LINGER_MS).
    stream: toStreamConfig({ lingerMs: BACKGROUND_LINGER_MS, ...env.stream }),
    group: env.AGGREGATION_GROUP ?? (generation === 0 ? 'aggregation' : `aggregation-g${generation}`),
    topics: {
      events: env.AGGREGATION_EVENTS_TOPIC ?? Topics.attributedEvents,
      roas: env.AGGREGATION_ROAS_TOPIC ?? Topics.roas,
      spend: env.AGGREGATION_SPEND_TOPIC ?? Topics.campaignSpend,
      alerts: env.AGGREGATION_ALERTS_TOPIC ?? Topics.alerts,
      late: env.AGGREGATION_LATE_TOPIC ?? Topics.lateEvents,
      campaigns: env.AGGREGATION_CAMPAIGNS_TOPIC ?? Topics.campaigns,
    },
    roas,
    calibration: {
      ...DEFAULT_CALIBRATION_CONFIG,
      graceMs: roas.graceMs,
      windowMs: int(env, 'AGGREGATION_CALIBRATION_WINDOW_MS', DEFAULT_CALIBRATION_CONFIG.windowMs, 1000, DAY),
      minImpressions: int(
        env,
        'AGGREGATION_CALIBRATION_MIN_IMPRESSIONS',
        DEFAULT_CALIBRATION_CONFIG.minImpressions,
        1,
        1e9,
      ),
    },
    pacingShare: share(env.AGGREGATION_PACING_SHARE),
    usdRates: usdRates(env.AGGREGATION_USD_RATES),
  };
}

function int(env: AggregationEnv, name: Name, fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}

function share(raw: string | undefined): number {
  if (raw === undefined) return 0.8;
  const n = /^\d*\.?\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n > 0 && n < 1)) throw new ConfigError('AGGREGATION_PACING_SHARE', `expected a share in (0, 1), got ${raw}`);
  return n;
}

/** `EUR=1.08,GBP=1.27`: US dollars per unit, as ingest's INGEST_USD_RATES (packages/ads `parseUsdRates`). */
function usdRates(raw: string | undefined): Record<string, number> {
  try {
    return parseUsdRates(raw);
  } catch (error) {
    throw new ConfigError('AGGREGATION_USD_RATES', (error as Error).message);
  }
}
