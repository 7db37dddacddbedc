import type { TokenKeyring } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import {
  ConfigError,
  intSetting,
  readServiceEnv,
  type ServiceEnv,
  type StreamConfig,
  secretSetting,
  toConfig as toStreamConfig,
} from '@adtrace/stream';
import { parseTokenKeys } from './token-keys.ts';

export interface DeliveryConfig {
  /** The runtime's knobs (DELIVERY_BATCH_SIZE, …). */
  readonly stream: StreamConfig;
  /** Consumer group, dead-letter stage, changelog and transactional id prefix. */
  readonly group: string;
  /** adtrace.auction-outcomes → adtrace.impressions, ads from adtrace.campaigns, unless a test says otherwise. */
  readonly topics: { readonly outcomes: string; readonly impressions: string; readonly campaigns: string };
  /**
   * Tracking-token keys: new tokens are signed with `signingKeyId`. Unlike the user key secret
   * these rotate: tracking verifies a token with whichever listed key its key id names.
   */
  readonly keyring: TokenKeyring;
  /** How long a token (its impression and click URLs) stays valid after serving. */
  readonly tokenTtlMs: number;
  /** Base of the tracking endpoints the impression and click URLs point at. */
  readonly trackingBaseUrl: string;
  /** How long (stream time) an impression id is remembered to drop a redelivered outcome. */
  readonly dedupeTtlMs: number;
}

const NAMES = [
  'DELIVERY_GROUP',
  'DELIVERY_OUTCOMES_TOPIC',
  'DELIVERY_IMPRESSIONS_TOPIC',
  'DELIVERY_CAMPAIGNS_TOPIC',
  'DELIVERY_TOKEN_KEYS',
  'DELIVERY_TOKEN_KEYS_FILE',
  'DELIVERY_TOKEN_KEY_ID',
  'DELIVERY_TOKEN_TTL_MS',
  'DELIVERY_TRACKING_BASE_URL',
  'DELIVERY_DEDUPE_TTL_MS',
] as const;
export type DeliveryEnv = ServiceEnv<(typeof NAMES)[number]>;

const DAY_MS = 86_400_000;

/** Step one: DELIVERY_* and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): DeliveryEnv {
  return readServiceEnv('DELIVERY', NAMES, env);
}

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: DeliveryEnv): DeliveryConfig {
  return {
    stream: toStreamConfig(env.stream),
    group: env.DELIVERY_GROUP ?? 'delivery',
    topics: {
      outcomes: env.DELIVERY_OUTCOMES_TOPIC ?? Topics.auctionOutcomes,
      impressions: env.DELIVERY_IMPRESSIONS_TOPIC ?? Topics.impressions,
      campaigns: env.DELIVERY_CAMPAIGNS_TOPIC ?? Topics.campaigns,
    },
    keyring: keyring(env),
    // A week: a click on an impression served a week ago is still the impression's click.
    tokenTtlMs: int(env, 'DELIVERY_TOKEN_TTL_MS', 7 * DAY_MS, 60_000, 90 * DAY_MS),
    trackingBaseUrl: baseUrl(env.DELIVERY_TRACKING_BASE_URL ?? 'http://127.0.0.1:8090'),
    dedupeTtlMs: int(env, 'DELIVERY_DEDUPE_TTL_MS', 60 * 60_000, 1000, 7 * DAY_MS),
  };
}

function keyring(env: DeliveryEnv): TokenKeyring {
  const name = env.DELIVERY_TOKEN_KEYS !== undefined ? 'DELIVERY_TOKEN_KEYS' : 'DELIVERY_TOKEN_KEYS_FILE';
  const text = secretSetting(
    env,
    'DELIVERY_TOKEN_KEYS',
    'the tracking-token signing keys, kid=secret[,kid=secret…] (each secret at least 32 bytes), with ' +
      'DELIVERY_TOKEN_KEY_ID naming the one new tokens are signed with',
  );
  try {
    return parseTokenKeys(text, env.DELIVERY_TOKEN_KEY_ID);
  } catch (error) {
    const message = (error as Error).message;
    throw new ConfigError(message.startsWith('signing') ? 'DELIVERY_TOKEN_KEY_ID' : name, message);
  }
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DELIVERY_TRACKING_BASE_URL', `expected an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('DELIVERY_TRACKING_BASE_URL', `expected an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  return raw.replace(/\/+$/, '');
}

function int(env: DeliveryEnv, name: (typeof NAMES)[number], fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}
