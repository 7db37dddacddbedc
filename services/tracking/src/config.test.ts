import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { REKEYED_TOPIC, readEnv, toConfig } from './config.ts';

const KEY = 'a'.repeat(64);
const SECRET = 's'.repeat(40);
const base = { TRACKING_TOKEN_KEYS: `k1=${KEY}`, TRACKING_USER_KEY_SECRET: SECRET };
const config = (env: Record<string, string>) => toConfig(readEnv(env));
const failure = (env: Record<string, string>): ConfigError => {
  try {
    config(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('tracking config', () => {
  it('defaults: the pipeline topics, raw dead letters for stage one, 7 d click / 1 d view windows', () => {
    const c = config(base);
    expect(c.topics).toEqual({
      raw: Topics.userEventsRaw,
      rekeyed: REKEYED_TOPIC,
      impressions: Topics.impressions,
      attributed: Topics.attributedEvents,
    });
    expect(c.rekeyStream.deadLetterTopic).toBe(Topics.deadLettersRaw);
    expect(c.stream.deadLetterTopic).toBe(Topics.deadLetters);
    expect(c.attribution).toMatchObject({ clickWindowMs: 7 * 86_400_000, viewWindowMs: 86_400_000 });
    expect(c.usdRates).toEqual({ USD: 1 });
    expect(c.group).toBe('tracking');
    expect(c.joinWaitMs).toBe(30_000);
    expect(c.rekeySkewMs).toBe(5_000);
  });

  it('both hops linger, no request waiting on them; each variable overrides its own', () => {
    expect([config(base).rekeyStream.lingerMs, config(base).stream.lingerMs]).toEqual([200, 200]);
    const c = config({ ...base, TRACKING_REKEY_LINGER_MS: '0', TRACKING_LINGER_MS: '50' });
    expect([c.rekeyStream.lingerMs, c.stream.lingerMs]).toEqual([0, 50]);
  });

  it('makes the windows, rates and topics configurable', () => {
    const c = config({
      ...base,
      TRACKING_CLICK_WINDOW_MS: '3600000',
      TRACKING_VIEW_WINDOW_MS: '60000',
      TRACKING_USD_RATES: 'EUR=1.08',
      TRACKING_RAW_TOPIC: 'raw.x',
      TRACKING_JOIN_WAIT_MS: '0',
      TRACKING_REKEY_SKEW_MS: '250',
    });
    expect(c.joinWaitMs).toBe(0);
    expect(c.rekeySkewMs).toBe(250);
    expect(c.attribution).toMatchObject({ clickWindowMs: 3_600_000, viewWindowMs: 60_000 });
    expect(c.usdRates).toEqual({ USD: 1, EUR: 1.08 });
    expect(c.topics.raw).toBe('raw.x');
  });

  it('reads the keys and secret delivery and ingest use, as `adtrace up` passes them (files)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracking-config-'));
    writeFileSync(join(dir, 'keys'), `${KEY}\n`);
    writeFileSync(join(dir, 'secret'), `${SECRET}\n`);
    const c = config({ DELIVERY_TOKEN_KEYS_FILE: join(dir, 'keys'), INGEST_USER_KEY_SECRET_FILE: join(dir, 'secret') });
    expect(c.keyring.keys).toEqual([{ id: 'local', secret: KEY }]);
    expect(c.userKeySecret.toString()).toBe(SECRET);
  });

  it('verifies with every listed key, whichever signs', () => {
    const c = config({ ...base, TRACKING_TOKEN_KEYS: `old=${KEY},new=${'b'.repeat(64)}` });
    expect(c.keyring.keys.map((k) => k.id)).toEqual(['old', 'new']);
  });

  it('refuses to start without keys or secret, or with a short secret, naming the variable and never the value', () => {
    expect(failure({ TRACKING_USER_KEY_SECRET: SECRET }).variable).toBe('TRACKING_TOKEN_KEYS');
    expect(failure({ TRACKING_TOKEN_KEYS: `k1=${KEY}` }).variable).toBe('TRACKING_USER_KEY_SECRET');
    const short = failure({ ...base, TRACKING_USER_KEY_SECRET: 'tooshort-secret' });
    expect(short.variable).toBe('TRACKING_USER_KEY_SECRET');
    expect(short.message).not.toContain('tooshort-secret');
    const shortKey = failure({ ...base, TRACKING_TOKEN_KEYS: 'k1=tooshort-key' });
    expect(shortKey.variable).toBe('TRACKING_TOKEN_KEYS');
    expect(shortKey.message).not.toContain('tooshort-key');
  });

  it('refuses a bad window or rate, naming it', () => {
    expect(failure({ ...base, TRACKING_CLICK_WINDOW_MS: '7d' }).variable).toBe('TRACKING_CLICK_WINDOW_MS');
    expect(failure({ ...base, TRACKING_USD_RATES: 'EUR' }).variable).toBe('TRACKING_USD_RATES');
    expect(failure({ ...base, TRACKING_JOIN_WAIT_MS: '-1' }).variable).toBe('TRACKING_JOIN_WAIT_MS');
    expect(failure({ ...base, TRACKING_REKEY_SKEW_MS: 'soon' }).variable).toBe('TRACKING_REKEY_SKEW_MS');
  });
});
