import { readFileSync } from 'node:fs';
import {
  DEFAULT_CANDIDATES_K,
  DEFAULT_SCORED_SPANS,
  loadPctrModel,
  type PctrModel,
  parseUsdRates,
  SHIPPED_PCTR_MODEL_URL,
  type UsdRates,
} from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import {
  ConfigError,
  intSetting,
  readServiceEnv,
  type ServiceEnv,
  type StreamConfig,
  toConfig as toStreamConfig,
} from '@adtrace/stream';

export interface AuctionTopics {
  readonly requests: string;
  readonly impressions: string;
  readonly outcomes: string;
  readonly campaigns: string;
  /** The compacted spend per campaign that aggregation keeps (budgets and pacing). */
  readonly spend: string;
}

export interface AuctionConfig {
  /** The runtime's knobs (AUCTION_BATCH_SIZE, …). */
  readonly stream: StreamConfig;
  /** Consumer group, dead-letter stage, changelog and transactional id prefix. */
  readonly group: string;
  /** The pipeline's topics unless a test or a staging run says otherwise. */
  readonly topics: AuctionTopics;
  /** The pCTR model every auction is priced with; its modelVersion goes on each outcome. */
  readonly model: PctrModel;
  /** How many top participants of each auction get an ads.auction.score_ad span. */
  readonly scoredSpans: number;
  /** Nearest ads kept per imp after targeting. */
  readonly candidatesK: number;
  /**
   * How long (stream time) a user × campaign cap state outlives its last impression. At least
   * the longest cap window of any campaign: a shorter one forgets impressions a cap still counts.
   */
  readonly capTtlMs: number;
  /** How long (stream time) an event id and an impression id are remembered to drop duplicates. */
  readonly dedupeTtlMs: number;
  /** US dollars per unit of each currency budgets may be in (spend is in USD); USD is always 1. */
  readonly usdRates: UsdRates;
}

const NAMES = [
  'AUCTION_GROUP',
  'AUCTION_REQUESTS_TOPIC',
  'AUCTION_IMPRESSIONS_TOPIC',
  'AUCTION_OUTCOMES_TOPIC',
  'AUCTION_CAMPAIGNS_TOPIC',
  'AUCTION_SPEND_TOPIC',
  'AUCTION_USD_RATES',
  'AUCTION_PCTR_MODEL_FILE',
  'AUCTION_SCORED_SPANS',
  'AUCTION_CANDIDATES_K',
  'AUCTION_CAP_TTL_MS',
  'AUCTION_DEDUPE_TTL_MS',
] as const;
type Name = (typeof NAMES)[number];
export type AuctionEnv = ServiceEnv<Name>;

const DAY_MS = 86_400_000;

/** Step one: AUCTION_* and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): AuctionEnv {
  return readServiceEnv('AUCTION', NAMES, env);
}

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: AuctionEnv): AuctionConfig {
  return {
    stream: toStreamConfig(env.stream),
    group: env.AUCTION_GROUP ?? 'auction',
    topics: {
      requests: env.AUCTION_REQUESTS_TOPIC ?? Topics.profiledRequests,
      impressions: env.AUCTION_IMPRESSIONS_TOPIC ?? Topics.impressions,
      outcomes: env.AUCTION_OUTCOMES_TOPIC ?? Topics.auctionOutcomes,
      campaigns: env.AUCTION_CAMPAIGNS_TOPIC ?? Topics.campaigns,
      spend: env.AUCTION_SPEND_TOPIC ?? Topics.campaignSpend,
    },
    model: model(env.AUCTION_PCTR_MODEL_FILE),
    scoredSpans: int(env, 'AUCTION_SCORED_SPANS', DEFAULT_SCORED_SPANS, 0, 100),
    candidatesK: int(env, 'AUCTION_CANDIDATES_K', DEFAULT_CANDIDATES_K, 1, 1000),
    capTtlMs: int(env, 'AUCTION_CAP_TTL_MS', 7 * DAY_MS, 60_000, 366 * DAY_MS),
    dedupeTtlMs: int(env, 'AUCTION_DEDUPE_TTL_MS', 10 * 60_000, 1000, 7 * DAY_MS),
    usdRates: usdRates(env.AUCTION_USD_RATES),
  };
}

/** The shipped model unless a file is named; a bad file stops the start, not an auction. */
function model(file: string | undefined): PctrModel {
  const name = 'AUCTION_PCTR_MODEL_FILE';
  try {
    return loadPctrModel(JSON.parse(readFileSync(file ?? SHIPPED_PCTR_MODEL_URL, 'utf8')));
  } catch (error) {
    throw new ConfigError(name, `cannot load the pCTR model ${file ?? 'shipped'}: ${(error as Error).message}`);
  }
}

/** `EUR=1.08,GBP=1.27`: US dollars per unit, as ingest's INGEST_USD_RATES (packages/ads `parseUsdRates`). */
function usdRates(raw: string | undefined): UsdRates {
  try {
    return parseUsdRates(raw);
  } catch (error) {
    throw new ConfigError('AUCTION_USD_RATES', (error as Error).message);
  }
}

function int(env: AuctionEnv, name: Name, fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}
