import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

const SECRET = 'a'.repeat(32);
const config = (env: NodeJS.ProcessEnv) => toConfig(readEnv(env));

describe('ingest config', () => {
  it('refuses to start without a user key secret, naming the variable and why changing it matters', () => {
    const error = (() => {
      try {
        config({});
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('INGEST_USER_KEY_SECRET');
    expect((error as Error).message).toMatch(/migration, not a rotation/);
  });

  it('refuses a short secret without echoing it', () => {
    expect(() => config({ INGEST_USER_KEY_SECRET: 'hunter2-secret' })).toThrow(
      /INGEST_USER_KEY_SECRET: must be at least 32 bytes, got 14/,
    );
    expect(() => config({ INGEST_USER_KEY_SECRET: 'hunter2-secret' })).not.toThrow(/hunter2/);
  });

  it('sends dead letters to the raw dead-letter topic unless told otherwise', () => {
    const c = config({ INGEST_USER_KEY_SECRET: SECRET, KAFKA_BROKERS: 'k:9092' });
    expect(c.stream.deadLetterTopic).toBe(Topics.deadLettersRaw);
    expect(c.stream.brokers).toEqual(['k:9092']);
    expect(config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_DEAD_LETTER_TOPIC: 'x.dlq' }).stream.deadLetterTopic).toBe(
      'x.dlq',
    );
  });

  it('reads the USD rate table, USD always 1, and names the variable when a rate is wrong', () => {
    const c = config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_USD_RATES: 'EUR=1.08, GBP=1.27' });
    expect(c.usdRates).toEqual({ USD: 1, EUR: 1.08, GBP: 1.27 });
    expect(() => config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_USD_RATES: 'EUR:1.08' })).toThrow(/^INGEST_USD_RATES/);
    expect(() => config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_USD_RATES: 'EURO=1.08' })).toThrow(/ISO-4217/);
    // Codes are case-insensitive in the setting (the table holds them upper-case).
    expect(config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_USD_RATES: 'eur=1.08' }).usdRates).toEqual({
      USD: 1,
      EUR: 1.08,
    });
    expect(() => config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_USD_RATES: 'EUR=0' })).toThrow(/positive/);
  });

  it('checks the other knobs', () => {
    const c = config({ INGEST_USER_KEY_SECRET: SECRET });
    expect(c).toMatchObject({ source: 'upstream', dedupeTtlMs: 600_000, gdprDefault: false, tcfVendorId: undefined });
    expect(() => config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_DEDUPE_TTL_MS: '5s' })).toThrow(
      /^INGEST_DEDUPE_TTL_MS/,
    );
    expect(() => config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_GDPR_DEFAULT: 'maybe' })).toThrow(
      /^INGEST_GDPR_DEFAULT/,
    );
    expect(config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_TCF_VENDOR_ID: '755' }).tcfVendorId).toBe(755);
    expect(c.topics).toEqual({ raw: Topics.bidRequestsRaw, requests: Topics.bidRequests });
    expect(config({ INGEST_USER_KEY_SECRET: SECRET, INGEST_RAW_TOPIC: 'staging.raw' }).topics.raw).toBe('staging.raw');
  });
});
