import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

const A = 'a'.repeat(32);
const B = 'b'.repeat(40);
const config = (env: NodeJS.ProcessEnv) => toConfig(readEnv(env));
const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('delivery config', () => {
  it('refuses to start without token keys, naming DELIVERY_TOKEN_KEYS and its format', () => {
    const error = errorOf(() => config({}));
    expect(error.variable).toBe('DELIVERY_TOKEN_KEYS');
    expect(error.message).toMatch(/kid=secret/);
    expect(error.message).toMatch(/DELIVERY_TOKEN_KEY_ID/);
  });

  it('reads kid=secret pairs and signs with the named key', () => {
    const c = config({ DELIVERY_TOKEN_KEYS: `k1=${A}, k2=${B}`, DELIVERY_TOKEN_KEY_ID: 'k2' });
    expect(c.keyring.signingKeyId).toBe('k2');
    expect(c.keyring.keys.map((k) => [k.id, k.secret])).toEqual([
      ['k1', A],
      ['k2', B],
    ]);
  });

  it('needs the signing key id when several keys are listed, and one that is listed', () => {
    const several = errorOf(() => config({ DELIVERY_TOKEN_KEYS: `k1=${A},k2=${B}` }));
    expect(several.variable).toBe('DELIVERY_TOKEN_KEY_ID');
    expect(several.message).toMatch(/2 keys are listed \(k1, k2\)/);
    const unknown = errorOf(() => config({ DELIVERY_TOKEN_KEYS: `k1=${A}`, DELIVERY_TOKEN_KEY_ID: 'k9' }));
    expect(unknown.variable).toBe('DELIVERY_TOKEN_KEY_ID');
    expect(config({ DELIVERY_TOKEN_KEYS: `k1=${A}` }).keyring.signingKeyId).toBe('k1');
  });

  it('refuses a short secret or a malformed entry without echoing the secret', () => {
    const short = errorOf(() => config({ DELIVERY_TOKEN_KEYS: 'k1=hunter2-secret' }));
    expect(short.variable).toBe('DELIVERY_TOKEN_KEYS');
    expect(short.message).toMatch(/at least 32 bytes/);
    expect(short.message).not.toMatch(/hunter2/);
    expect(errorOf(() => config({ DELIVERY_TOKEN_KEYS: `k1=${A},=${B}` })).message).toMatch(
      /entry 2 is not kid=secret/,
    );
  });

  it('reads the bare secret file `adtrace up` makes as the one key `local`', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'delivery-')), 'delivery_token_keys');
    writeFileSync(file, `${'c'.repeat(64)}\n`);
    const c = config({ DELIVERY_TOKEN_KEYS_FILE: file });
    expect(c.keyring).toEqual({ signingKeyId: 'local', keys: [{ id: 'local', secret: 'c'.repeat(64) }] });
    expect(errorOf(() => config({ DELIVERY_TOKEN_KEYS_FILE: `${file}.missing` })).variable).toBe(
      'DELIVERY_TOKEN_KEYS_FILE',
    );
  });

  it('defaults to the pipeline topics and checks the other knobs', () => {
    const c = config({ DELIVERY_TOKEN_KEYS: `k1=${A}`, KAFKA_BROKERS: 'k:9092' });
    expect(c.topics).toEqual({
      outcomes: Topics.auctionOutcomes,
      impressions: Topics.impressions,
      campaigns: Topics.campaigns,
    });
    expect(c.stream.brokers).toEqual(['k:9092']);
    expect(c).toMatchObject({ group: 'delivery', tokenTtlMs: 7 * 86_400_000, dedupeTtlMs: 3_600_000 });
    const env = { DELIVERY_TOKEN_KEYS: `k1=${A}` };
    expect(config({ ...env, DELIVERY_OUTCOMES_TOPIC: 'staging.outcomes' }).topics.outcomes).toBe('staging.outcomes');
    expect(config({ ...env, DELIVERY_TRACKING_BASE_URL: 'https://t.example/' }).trackingBaseUrl).toBe(
      'https://t.example',
    );
    expect(errorOf(() => config({ ...env, DELIVERY_TRACKING_BASE_URL: 'ftp://t' })).variable).toBe(
      'DELIVERY_TRACKING_BASE_URL',
    );
    expect(errorOf(() => config({ ...env, DELIVERY_TOKEN_TTL_MS: '7d' })).variable).toBe('DELIVERY_TOKEN_TTL_MS');
    expect(errorOf(() => config({ ...env, DELIVERY_DEDUPE_TTL_MS: '0' })).variable).toBe('DELIVERY_DEDUPE_TTL_MS');
  });
});
