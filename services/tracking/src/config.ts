import { readFileSync } from 'node:fs';
import {
  type AttributionConfig,
  type CurrencyRates,
  MIN_USER_KEY_SECRET_BYTES,
  parseUsdRates,
  type TokenKeyring,
  toAttributionConfig,
} from '@adtrace/ads';
import { TOPIC_NAMESPACE, Topics } from '@adtrace/schemas';
import { parseTokenKeys } from '@adtrace/service-delivery';
import {
  BACKGROUND_LINGER_MS,
  ConfigError,
  checkSettingNames,
  intSetting,
  readEnv as readStreamEnv,
  type StreamConfig,
  type StreamEnv,
  streamVariables,
  toConfig as toStreamConfig,
} from '@adtrace/stream';

export interface TrackingTopics {
  /** Raw clicks and conversions from trackers (JSON or Avro UserEvent). */
  readonly raw: string;
  /** Internal: verified events keyed by user key, with the impressions' partition count. */
  readonly rekeyed: string;
  readonly impressions: string;
  readonly attributed: string;
}

export interface TrackingConfig {
  /** Stage one (re-key) runtime knobs, TRACKING_REKEY_*; its dead letters go to adtrace.dead-letters.raw. */
  readonly rekeyStream: StreamConfig;
  /** Stage two (attribute) runtime knobs, TRACKING_*; its health port is the service's readiness. */
  readonly stream: StreamConfig;
  /** Stage two's consumer group; stage one's is `<group>-rekey`. */
  readonly group: string;
  readonly topics: TrackingTopics;
  /** The delivery service's tracking-token keys: verification only, any listed key id. */
  readonly keyring: TokenKeyring;
  /** Ingest's user key secret: a conversion's userId must become the same key as the bid request's user.id. */
  readonly userKeySecret: Buffer;
  readonly attribution: AttributionConfig;
  /** USD per unit of each currency conversions may be reported in; USD is always 1. */
  readonly usdRates: CurrencyRates;
  /** How long (stream time) a click's impression id and a conversion id are remembered (first wins). */
  readonly dedupeTtlMs: number;
  /** How long an impression's click price and model version are kept for its clicks (the token TTL). */
  readonly impressionTtlMs: number;
  /**
   * The join's bounded wait (join-wait.ts): how far stream time may pass a click's time or a
   * conversion's due time while it waits for its impression (or for the impressions to reach it);
   * then it is handled with what has come (a click without impression at cost 0).
   */
  readonly joinWaitMs: number;
  /**
   * How far apart stage one's tasks may be (join-wait.ts): raw events are unkeyed, so a user's
   * click and conversion can be re-keyed by two tasks, and the click's can lag. A conversion is
   * not attributed before stream time has passed its presentation by this much.
   */
  readonly rekeySkewMs: number;
}

const NAMES = [
  'TRACKING_GROUP',
  'TRACKING_RAW_TOPIC',
  'TRACKING_REKEYED_TOPIC',
  'TRACKING_IMPRESSIONS_TOPIC',
  'TRACKING_ATTRIBUTED_TOPIC',
  'TRACKING_TOKEN_KEYS',
  'TRACKING_TOKEN_KEYS_FILE',
  'DELIVERY_TOKEN_KEYS',
  'DELIVERY_TOKEN_KEYS_FILE',
  'TRACKING_USER_KEY_SECRET',
  'TRACKING_USER_KEY_SECRET_FILE',
  'INGEST_USER_KEY_SECRET',
  'INGEST_USER_KEY_SECRET_FILE',
  'TRACKING_CLICK_WINDOW_MS',
  'TRACKING_VIEW_WINDOW_MS',
  'TRACKING_LATENESS_MS',
  'TRACKING_USD_RATES',
  'TRACKING_DEDUPE_TTL_MS',
  'TRACKING_IMPRESSION_TTL_MS',
  'TRACKING_JOIN_WAIT_MS',
  'TRACKING_REKEY_SKEW_MS',
] as const;
type Name = (typeof NAMES)[number];
export type TrackingEnv = { readonly stream: StreamEnv; readonly rekeyStream: StreamEnv } & {
  readonly [K in Name]?: string;
};

const DAY_MS = 86_400_000;
/** The internal topic stage one writes and stage two reads, in the pipeline's topic namespace. */
export const REKEYED_TOPIC = `${TOPIC_NAMESPACE}.tracking.user-events-by-user`;

/** Step one: TRACKING_*, the shared secrets' variables and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): TrackingEnv {
  checkSettingNames(
    env,
    ['TRACKING'],
    [...NAMES, ...streamVariables('TRACKING'), ...streamVariables('TRACKING_REKEY')],
  );
  const own = Object.fromEntries(NAMES.map((n) => [n, env[n]?.trim() || undefined]).filter(([, v]) => v));
  return { stream: readStreamEnv('TRACKING', env), rekeyStream: readStreamEnv('TRACKING_REKEY', env), ...own };
}

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: TrackingEnv): TrackingConfig {
  let attribution: AttributionConfig;
  const clickWindowMs = int(env, 'TRACKING_CLICK_WINDOW_MS', 7 * DAY_MS, 60_000, 90 * DAY_MS);
  const viewWindowMs = int(env, 'TRACKING_VIEW_WINDOW_MS', DAY_MS, 0, 90 * DAY_MS);
  const latenessMs = int(env, 'TRACKING_LATENESS_MS', 3_600_000, 0, 7 * DAY_MS);
  try {
    attribution = toAttributionConfig({ clickWindowMs, viewWindowMs, latenessMs });
  } catch (error) {
    throw new ConfigError('TRACKING_CLICK_WINDOW_MS', (error as Error).message);
  }
  return {
    // No request waits on attribution: both hops linger (BACKGROUND_LINGER_MS).
    rekeyStream: toStreamConfig({
      deadLetterTopic: Topics.deadLettersRaw,
      lingerMs: BACKGROUND_LINGER_MS,
      ...env.rekeyStream,
    }),
    stream: toStreamConfig({ lingerMs: BACKGROUND_LINGER_MS, ...env.stream }),
    group: env.TRACKING_GROUP ?? 'tracking',
    topics: {
      raw: env.TRACKING_RAW_TOPIC ?? Topics.userEventsRaw,
      rekeyed: env.TRACKING_REKEYED_TOPIC ?? REKEYED_TOPIC,
      impressions: env.TRACKING_IMPRESSIONS_TOPIC ?? Topics.impressions,
      attributed: env.TRACKING_ATTRIBUTED_TOPIC ?? Topics.attributedEvents,
    },
    keyring: keyring(env),
    userKeySecret: userKeySecret(env),
    attribution,
    usdRates: usdRates(env.TRACKING_USD_RATES),
    // A click counts once per impression for as long as its token is valid (7 days), plus lateness.
    dedupeTtlMs: int(env, 'TRACKING_DEDUPE_TTL_MS', clickWindowMs + latenessMs, 1000, 90 * DAY_MS),
    impressionTtlMs: int(env, 'TRACKING_IMPRESSION_TTL_MS', 7 * DAY_MS + latenessMs, 1000, 90 * DAY_MS),
    // Delivery writes an impression seconds before anyone can click it; a lagging pipeline delays
    // it by seconds more. Aggregation's grace (5 min by default) must exceed it, or what waited is late.
    joinWaitMs: int(env, 'TRACKING_JOIN_WAIT_MS', 30_000, 0, DAY_MS),
    // Stage one commits a chunk in tens of ms; under load and GC its tasks drift by seconds.
    rekeySkewMs: int(env, 'TRACKING_REKEY_SKEW_MS', 5_000, 0, DAY_MS),
  };
}

/** A value of TRACKING_<X>, else the variable the service shares it with (`adtrace up` makes that one). */
function shared(env: TrackingEnv, own: Name, ownFile: Name, other: Name, otherFile: Name) {
  for (const [name, file] of [
    [own, ownFile],
    [other, otherFile],
  ] as const) {
    if (env[name] !== undefined) return { name, text: env[name] };
    if (env[file] !== undefined) {
      try {
        return { name: file, text: readFileSync(env[file], 'utf8').trim() };
      } catch (error) {
        throw new ConfigError(file, `cannot read the file: ${(error as Error).message}`);
      }
    }
  }
  return undefined;
}

function keyring(env: TrackingEnv): TokenKeyring {
  const found = shared(
    env,
    'TRACKING_TOKEN_KEYS',
    'TRACKING_TOKEN_KEYS_FILE',
    'DELIVERY_TOKEN_KEYS',
    'DELIVERY_TOKEN_KEYS_FILE',
  );
  if (!found) {
    throw new ConfigError(
      'TRACKING_TOKEN_KEYS',
      'required: the delivery service’s tracking-token keys, kid=secret[,kid=secret…] ' +
        '(or TRACKING_TOKEN_KEYS_FILE, or DELIVERY_TOKEN_KEYS / DELIVERY_TOKEN_KEYS_FILE)',
    );
  }
  // Tracking only verifies: the signing key id does not matter, so name the first listed one.
  const firstId = found.text.includes('=') ? found.text.split('=')[0]!.trim() : undefined;
  try {
    return parseTokenKeys(found.text, firstId);
  } catch (error) {
    throw new ConfigError(found.name, (error as Error).message);
  }
}

function userKeySecret(env: TrackingEnv): Buffer {
  const found = shared(
    env,
    'TRACKING_USER_KEY_SECRET',
    'TRACKING_USER_KEY_SECRET_FILE',
    'INGEST_USER_KEY_SECRET',
    'INGEST_USER_KEY_SECRET_FILE',
  );
  if (!found) {
    throw new ConfigError(
      'TRACKING_USER_KEY_SECRET',
      'required: ingest’s user key secret (or TRACKING_USER_KEY_SECRET_FILE, or INGEST_USER_KEY_SECRET / ' +
        'INGEST_USER_KEY_SECRET_FILE): a conversion’s user id must become the key its bid requests had',
    );
  }
  const bytes = Buffer.from(found.text, 'utf8');
  if (bytes.length < MIN_USER_KEY_SECRET_BYTES) {
    throw new ConfigError(found.name, `must be at least ${MIN_USER_KEY_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** `EUR=1.08,GBP=1.27`: US dollars per unit (packages/ads `parseUsdRates`). */
function usdRates(raw: string | undefined): CurrencyRates {
  try {
    return parseUsdRates(raw);
  } catch (error) {
    throw new ConfigError('TRACKING_USD_RATES', (error as Error).message);
  }
}

function int(env: TrackingEnv, name: Name, fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}
