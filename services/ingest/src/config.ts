import { MIN_USER_KEY_SECRET_BYTES, parseUsdRates, type UsdRates } from '@adtrace/ads';
import { DEFAULT_OPENRTB_MAX_BYTES, Topics } from '@adtrace/schemas';
import {
  ConfigError,
  intSetting,
  readServiceEnv,
  type ServiceEnv,
  type StreamConfig,
  secretSetting,
  toConfig as toStreamConfig,
} from '@adtrace/stream';

export interface IngestConfig {
  /** The runtime's knobs (INGEST_BATCH_SIZE, …); dead letters go to adtrace.dead-letters.raw by default. */
  readonly stream: StreamConfig;
  /** Consumer group, dead-letter stage, changelog and transactional id prefix. */
  readonly group: string;
  /** adtrace.bid-requests.raw → adtrace.bid-requests unless a test or a staging run says otherwise. */
  readonly topics: { readonly raw: string; readonly requests: string };
  /**
   * The HMAC secret user keys are made with. Changing it re-keys every user — profiles, caps
   * and attribution start over — so it is a migration, never a routine rotation.
   */
  readonly userKeySecret: Buffer;
  /** US dollars per unit of each currency floors may be in; USD is always 1. */
  readonly usdRates: UsdRates;
  /** Names the upstream in every event id: two exchanges may reuse one request id. */
  readonly source: string;
  /** How long (stream time) a request id is remembered to drop its retries. */
  readonly dedupeTtlMs: number;
  readonly maxRequestBytes: number;
  /** Our IAB vendor id: a TCF string must then also consent to us. */
  readonly tcfVendorId: number | undefined;
  /** Whether GDPR applies to a request that does not say. */
  readonly gdprDefault: boolean;
}

const NAMES = [
  'INGEST_GROUP',
  'INGEST_RAW_TOPIC',
  'INGEST_REQUESTS_TOPIC',
  'INGEST_USER_KEY_SECRET',
  'INGEST_USER_KEY_SECRET_FILE',
  'INGEST_USD_RATES',
  'INGEST_SOURCE',
  'INGEST_DEDUPE_TTL_MS',
  'INGEST_MAX_REQUEST_BYTES',
  'INGEST_TCF_VENDOR_ID',
  'INGEST_GDPR_DEFAULT',
] as const;
export type IngestEnv = ServiceEnv<(typeof NAMES)[number]>;

/** Step one: INGEST_* and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): IngestEnv {
  return readServiceEnv('INGEST', NAMES, env);
}

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: IngestEnv): IngestConfig {
  const stream = toStreamConfig({ deadLetterTopic: Topics.deadLettersRaw, ...env.stream });
  return {
    stream,
    group: env.INGEST_GROUP ?? 'ingest',
    topics: {
      raw: env.INGEST_RAW_TOPIC ?? Topics.bidRequestsRaw,
      requests: env.INGEST_REQUESTS_TOPIC ?? Topics.bidRequests,
    },
    userKeySecret: userKeySecret(env),
    usdRates: usdRates(env.INGEST_USD_RATES),
    source: env.INGEST_SOURCE ?? 'upstream',
    dedupeTtlMs: int(env, 'INGEST_DEDUPE_TTL_MS', 10 * 60_000, 1000, 7 * 24 * 3_600_000),
    maxRequestBytes: int(env, 'INGEST_MAX_REQUEST_BYTES', DEFAULT_OPENRTB_MAX_BYTES, 1024, 1 << 24),
    tcfVendorId: env.INGEST_TCF_VENDOR_ID === undefined ? undefined : int(env, 'INGEST_TCF_VENDOR_ID', 0, 1, 65_535),
    gdprDefault: bool(env.INGEST_GDPR_DEFAULT, 'INGEST_GDPR_DEFAULT'),
  };
}

function userKeySecret(env: IngestEnv): Buffer {
  const text = secretSetting(
    env,
    'INGEST_USER_KEY_SECRET',
    `the HMAC secret user keys are made with (at least ${MIN_USER_KEY_SECRET_BYTES} bytes). ` +
      'Changing it later re-keys every user: a migration, not a rotation',
  );
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length < MIN_USER_KEY_SECRET_BYTES) {
    // Never echo the value: it is the secret.
    const name = env.INGEST_USER_KEY_SECRET !== undefined ? 'INGEST_USER_KEY_SECRET' : 'INGEST_USER_KEY_SECRET_FILE';
    throw new ConfigError(name, `must be at least ${MIN_USER_KEY_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** `EUR=1.08,GBP=1.27`: US dollars per unit (packages/ads `parseUsdRates`). */
function usdRates(raw: string | undefined): UsdRates {
  try {
    return parseUsdRates(raw);
  } catch (error) {
    throw new ConfigError('INGEST_USD_RATES', (error as Error).message);
  }
}

function int(env: IngestEnv, name: (typeof NAMES)[number], fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}

function bool(raw: string | undefined, name: string): boolean {
  if (raw === undefined) return false;
  if (['1', 'true', 'on'].includes(raw)) return true;
  if (['0', 'false', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}
