import { Topics } from '@adtrace/schemas';
import {
  checkSettingNames,
  intSetting,
  readEnv as readStreamEnv,
  toConfig as streamConfig,
  streamVariables,
} from '@adtrace/stream';
import { type PriceTable, pricesFromEnv } from '@adtrace/telemetry';
import {
  readEnv as readWarehouseEnv,
  toConfig as toWarehouseConfig,
  WAREHOUSE_SETTINGS,
  type WarehouseConfig,
  type WarehouseEnv,
} from '@adtrace/warehouse';
import type { LoaderTopics } from './loader/topic-loader.ts';

export interface ServiceConfig {
  readonly warehouse: WarehouseConfig;
  /** Where the OTLP receiver and the query API listen; 0.0.0.0 in a container. */
  readonly host: string;
  readonly otlpPort: number;
  readonly apiPort: number;
  readonly maxMessageBytes: number;
  /** The OTLP receiver's HTTP/2 receive window, per stream and per connection (otlp/flow-control.ts). */
  readonly flowControlWindowBytes: number;
  readonly maxSpansPerRequest: number;
  /** Spans per warehouse transaction (several Export requests go into one). */
  readonly maxBatchSpans: number;
  /** Spans waiting to be written before new requests get UNAVAILABLE. */
  readonly maxQueuedSpans: number;
  /** Prices spans as they are loaded (ADTRACE_PRICE_*, ADTRACE_PRICES_FILE; list prices by default). */
  readonly prices: PriceTable;
  /**
   * Spans that started longer ago than this are deleted (span-retention.ts), every `everyMs`; 0
   * hours keeps them forever. Only `spans`: attribution, ROAS and outcome tables are kept.
   */
  readonly spanRetention: { readonly hours: number; readonly everyMs: number };
  readonly loader: {
    readonly enabled: boolean;
    readonly brokers: readonly string[];
    readonly groupId: string;
    readonly topics: LoaderTopics;
  };
}

export type ServiceEnv = WarehouseEnv;

const NAMES = [
  'WAREHOUSE_HOST',
  'WAREHOUSE_OTLP_PORT',
  'WAREHOUSE_API_PORT',
  'WAREHOUSE_OTLP_MAX_MESSAGE_BYTES',
  'WAREHOUSE_OTLP_MAX_SPANS',
  'WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES',
  'WAREHOUSE_BATCH_SPANS',
  'WAREHOUSE_QUEUE_SPANS',
  'WAREHOUSE_SPAN_RETENTION_HOURS',
  'WAREHOUSE_LOADER',
  'WAREHOUSE_LOADER_GROUP',
  'WAREHOUSE_LOADER_ATTRIBUTED_TOPIC',
  'WAREHOUSE_LOADER_ROAS_TOPIC',
  'WAREHOUSE_LOADER_DEAD_LETTER_TOPIC',
  'WAREHOUSE_LOADER_RAW_DEAD_LETTER_TOPIC',
  'WAREHOUSE_LOADER_IMPRESSIONS_TOPIC',
  'WAREHOUSE_LOADER_AUCTION_OUTCOMES_TOPIC',
  'WAREHOUSE_LOADER_ALERTS_TOPIC',
  'WAREHOUSE_LOADER_LATE_TOPIC',
  'WAREHOUSE_LOADER_CAMPAIGNS_TOPIC',
  'KAFKA_BROKERS',
  'ADTRACE_PRICES_FILE',
  'ADTRACE_PRICE_VCPU_HOUR_USD',
  'ADTRACE_PRICE_KAFKA_IN_GIB_USD',
  'ADTRACE_PRICE_KAFKA_OUT_GIB_USD',
  'ADTRACE_PRICE_QUERY_TIB_USD',
  'ADTRACE_PRICE_STORAGE_WRITE_GIB_USD',
] as const;

export function readEnv(env: NodeJS.ProcessEnv = process.env): ServiceEnv {
  checkSettingNames(env, ['WAREHOUSE'], [...NAMES, ...WAREHOUSE_SETTINGS, ...streamVariables('WAREHOUSE_LOADER')]);
  return { ...readWarehouseEnv(env), ...Object.fromEntries(NAMES.map((n) => [n, env[n]?.trim() || undefined])) };
}

function int(env: ServiceEnv, name: string, fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}

export function toConfig(env: ServiceEnv): ServiceConfig {
  const loader = env.WAREHOUSE_LOADER ?? 'on';
  if (loader !== 'on' && loader !== 'off') throw new Error(`WAREHOUSE_LOADER must be on or off, got "${loader}"`);
  // The stream runtime's parser, so KAFKA_BROKERS means (and is checked) the same everywhere.
  const { brokers } = streamConfig(readStreamEnv('WAREHOUSE_LOADER', { KAFKA_BROKERS: env.KAFKA_BROKERS }));
  const maxSpansPerRequest = int(env, 'WAREHOUSE_OTLP_MAX_SPANS', 100_000, 1, 10_000_000);
  const maxBatchSpans = int(env, 'WAREHOUSE_BATCH_SPANS', 50_000, 1, 10_000_000);
  return {
    warehouse: toWarehouseConfig(env),
    host: env.WAREHOUSE_HOST ?? '127.0.0.1',
    otlpPort: int(env, 'WAREHOUSE_OTLP_PORT', 4317, 0, 65_535),
    // Not 4318: that is OTLP/HTTP's port, and a Collector next to us may want it.
    apiPort: int(env, 'WAREHOUSE_API_PORT', 8686, 0, 65_535),
    maxMessageBytes: int(env, 'WAREHOUSE_OTLP_MAX_MESSAGE_BYTES', 32 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    // A few full exports (4,096 spans, ~1 MB each) in flight without waiting on the receiver's
    // event loop; HTTP/2 allows at most 2^31 - 1, and under 65,535 would be below its default.
    flowControlWindowBytes: int(env, 'WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES', 8 * 1024 * 1024, 65_535, 2 ** 31 - 1),
    maxSpansPerRequest,
    maxBatchSpans,
    maxQueuedSpans: int(env, 'WAREHOUSE_QUEUE_SPANS', 500_000, maxSpansPerRequest, 100_000_000),
    prices: pricesFromEnv(env as NodeJS.ProcessEnv),
    // A week of traces by default, as the raw dead letters' topic keeps a week; up to ten years.
    spanRetention: { hours: int(env, 'WAREHOUSE_SPAN_RETENTION_HOURS', 168, 0, 87_600), everyMs: 5 * 60_000 },
    loader: {
      enabled: loader === 'on',
      brokers,
      groupId: env.WAREHOUSE_LOADER_GROUP ?? 'warehouse',
      // The pipeline's topics unless told otherwise (`pnpm bench pipeline` runs on topics of its own).
      topics: {
        attributedEvents: env.WAREHOUSE_LOADER_ATTRIBUTED_TOPIC ?? Topics.attributedEvents,
        roas: env.WAREHOUSE_LOADER_ROAS_TOPIC ?? Topics.roas,
        deadLetters: env.WAREHOUSE_LOADER_DEAD_LETTER_TOPIC ?? Topics.deadLetters,
        rawDeadLetters: env.WAREHOUSE_LOADER_RAW_DEAD_LETTER_TOPIC ?? Topics.deadLettersRaw,
        impressions: env.WAREHOUSE_LOADER_IMPRESSIONS_TOPIC ?? Topics.impressions,
        auctionOutcomes: env.WAREHOUSE_LOADER_AUCTION_OUTCOMES_TOPIC ?? Topics.auctionOutcomes,
        alerts: env.WAREHOUSE_LOADER_ALERTS_TOPIC ?? Topics.alerts,
        lateEvents: env.WAREHOUSE_LOADER_LATE_TOPIC ?? Topics.lateEvents,
        campaigns: env.WAREHOUSE_LOADER_CAMPAIGNS_TOPIC ?? Topics.campaigns,
      },
    },
  };
}
