import { describe, expect, test } from 'vitest';
import { readEnv, toConfig } from './config.ts';
import { ConfigError } from './errors.ts';

describe('config in two steps', () => {
  test('defaults: the local broker, at-least-once, no compression, the pipeline dead-letter topic', () => {
    expect(toConfig()).toMatchObject({
      brokers: ['127.0.0.1:9092'],
      mode: 'at-least-once',
      batchSize: 500,
      compression: 'none',
      deadLetterTopic: 'adtrace.dead-letters',
      healthPort: undefined,
      fetchMinBytes: 1,
      fetchMaxWaitMs: 1000,
      lingerMs: 0,
      instanceId: undefined,
    });
    expect(toConfig(readEnv('AUCTION', { AUCTION_INSTANCE_ID: 'x', ADTRACE_INSTANCE_ID: ' ' })).instanceId).toBe(
      undefined,
    );
  });

  test('readEnv takes KAFKA_BROKERS and the prefixed knobs; toConfig parses them', () => {
    const env = {
      KAFKA_BROKERS: 'k1:9092, k2:9093',
      AUCTION_MODE: 'exactly-once',
      AUCTION_BATCH_SIZE: '200',
      AUCTION_HEALTH_PORT: '0',
      AUCTION_FETCH_MIN_BYTES: '65536',
      AUCTION_FETCH_MAX_WAIT_MS: '50',
      AUCTION_LINGER_MS: '5',
      OTHER_BATCH_SIZE: '7',
      ADTRACE_INSTANCE_ID: 'auction-5d8f7-x2k9q',
    };
    expect(toConfig(readEnv('AUCTION', env))).toMatchObject({
      brokers: ['k1:9092', 'k2:9093'],
      instanceId: 'auction-5d8f7-x2k9q',
      mode: 'exactly-once',
      batchSize: 200,
      healthPort: 0,
      fetchMinBytes: 65_536,
      fetchMaxWaitMs: 50,
      lingerMs: 5,
    });
  });

  test('a wrong value fails with an error naming the variable', () => {
    const fails = (env: Record<string, string>) => () => toConfig(readEnv('AUCTION', env));
    expect(fails({ AUCTION_BATCH_SIZE: 'many' })).toThrow(/^AUCTION_BATCH_SIZE: expected an integer/);
    expect(fails({ AUCTION_BATCH_SIZE: '0' })).toThrow(ConfigError);
    expect(fails({ AUCTION_MODE: 'exactly-twice' })).toThrow(
      /^AUCTION_MODE: expected one of at-least-once, exactly-once/,
    );
    expect(fails({ AUCTION_LINGER_MS: '2000' })).toThrow(/^AUCTION_LINGER_MS: expected an integer from 0 to 1000/);
    expect(fails({ KAFKA_BROKERS: 'localhost' })).toThrow(/^KAFKA_BROKERS: expected host:port/);
    expect(fails({ AUCTION_RETRY_INITIAL_MS: '500', AUCTION_RETRY_MAX_MS: '100' })).toThrow(/^AUCTION_RETRY_MAX_MS/);
  });

  test('tests pass typed values straight to toConfig', () => {
    expect(toConfig({ brokers: ['127.0.0.1:1'], batchSize: 3 }).batchSize).toBe(3);
    expect(() => toConfig({ batchSize: 1.5 })).toThrow(/STREAM_BATCH_SIZE/);
  });
});
