import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCORED_SPANS } from '@adtrace/ads';
import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

const config = (env: NodeJS.ProcessEnv) => toConfig(readEnv(env));

describe('auction config', () => {
  it('reads the pipeline topics and loads the shipped pCTR model by default', () => {
    const c = config({ KAFKA_BROKERS: 'k:9092' });
    expect(c.topics).toEqual({
      requests: Topics.profiledRequests,
      impressions: Topics.impressions,
      outcomes: Topics.auctionOutcomes,
      campaigns: Topics.campaigns,
      spend: Topics.campaignSpend,
    });
    expect(c.usdRates).toEqual({ USD: 1 });
    expect(c.stream.brokers).toEqual(['k:9092']);
    expect(c.group).toBe('auction');
    expect(c.model.modelVersion).toMatch(/\S/);
    expect(c.model.weights.some((w) => w !== 0)).toBe(true);
    expect(c.scoredSpans).toBe(DEFAULT_SCORED_SPANS);
    expect(c.scoredSpans).toBe(3);
  });

  it('stops start-up on a misspelt variable, naming the setting it was meant for', () => {
    // Before, AUCTION_SCORED_ADS was ignored and 3 ads scored, without a word.
    expect(() => config({ AUCTION_SCORED_ADS: '5' })).toThrow(ConfigError);
    expect(() => config({ AUCTION_SCORED_ADS: '5' })).toThrow(/AUCTION_SCORED_ADS: .*AUCTION_SCORED_SPANS/);
    expect(() => config({ AUCTION_BATCH_SIZ: '5' })).toThrow(/did you mean AUCTION_BATCH_SIZE\?/);
  });

  it('lets tests and staging runs override topics and group', () => {
    const c = config({
      AUCTION_GROUP: 'auction-staging',
      AUCTION_REQUESTS_TOPIC: 's.req',
      AUCTION_IMPRESSIONS_TOPIC: 's.imp',
      AUCTION_OUTCOMES_TOPIC: 's.out',
      AUCTION_CAMPAIGNS_TOPIC: 's.cmp',
      AUCTION_SPEND_TOPIC: 's.spend',
    });
    expect(c.group).toBe('auction-staging');
    expect(c.topics).toEqual({
      requests: 's.req',
      impressions: 's.imp',
      outcomes: 's.out',
      campaigns: 's.cmp',
      spend: 's.spend',
    });
  });

  it('checks the numeric knobs, naming the variable', () => {
    expect(config({ AUCTION_SCORED_SPANS: '0' }).scoredSpans).toBe(0);
    expect(config({ AUCTION_CAP_TTL_MS: '3600000' }).capTtlMs).toBe(3_600_000);
    expect(() => config({ AUCTION_SCORED_SPANS: 'three' })).toThrow(/^AUCTION_SCORED_SPANS/);
    expect(() => config({ AUCTION_CAP_TTL_MS: '10' })).toThrow(/^AUCTION_CAP_TTL_MS/);
    expect(() => config({ AUCTION_CANDIDATES_K: '0' })).toThrow(/^AUCTION_CANDIDATES_K/);
    expect(config({ AUCTION_USD_RATES: 'EUR=1.08' }).usdRates).toEqual({ USD: 1, EUR: 1.08 });
    expect(() => config({ AUCTION_USD_RATES: 'EUR' })).toThrow(/^AUCTION_USD_RATES/);
  });

  it('refuses a model file it cannot load at start-up, naming the variable', () => {
    const file = join(tmpdir(), `auction-model-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ format: 'something-else', modelVersion: 'x' }));
    const error = (() => {
      try {
        config({ AUCTION_PCTR_MODEL_FILE: file });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('AUCTION_PCTR_MODEL_FILE');
    expect((error as Error).message).toMatch(/format something-else/);
  });
});
