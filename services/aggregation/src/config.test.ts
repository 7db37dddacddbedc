import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

const config = (env: Record<string, string> = {}) => toConfig(readEnv({ KAFKA_BROKERS: '127.0.0.1:9092', ...env }));

describe('aggregation config', () => {
  it('defaults: 1-minute windows, 5 minutes of grace, generation 0 in group aggregation, the adtrace topics', () => {
    const c = config();
    expect(c.roas).toEqual({ windowMs: 60_000, graceMs: 300_000, retentionMs: 3_600_000, generation: 0 });
    expect(c.group).toBe('aggregation');
    expect(c.topics).toEqual({
      events: Topics.attributedEvents,
      roas: Topics.roas,
      spend: Topics.campaignSpend,
      alerts: Topics.alerts,
      late: Topics.lateEvents,
      campaigns: Topics.campaigns,
    });
    expect(c.stream.mode).toBe('at-least-once'); // the hop itself says exactly-once
    expect(c.calibration.graceMs).toBe(300_000);
    expect(c.usdRates).toEqual({ USD: 1 });
  });

  it('lingers 200 ms, no request waiting on it, unless AGGREGATION_LINGER_MS says otherwise', () => {
    expect(config().stream.lingerMs).toBe(200);
    expect(config({ AGGREGATION_LINGER_MS: '0' }).stream.lingerMs).toBe(0);
  });

  it('a rebuild generation gets its own consumer group, so it starts from empty state', () => {
    const c = config({ AGGREGATION_GENERATION: '3' });
    expect(c.roas.generation).toBe(3);
    expect(c.group).toBe('aggregation-g3');
  });

  it('takes window, grace, rates and pacing from the environment', () => {
    const c = config({
      AGGREGATION_WINDOW_MS: '300000',
      AGGREGATION_GRACE_MS: '0',
      AGGREGATION_USD_RATES: 'EUR=1.08, GBP=1.27',
      AGGREGATION_PACING_SHARE: '0.9',
    });
    expect(c.roas).toMatchObject({ windowMs: 300_000, graceMs: 0 });
    expect(c.usdRates).toEqual({ USD: 1, EUR: 1.08, GBP: 1.27 });
    expect(c.pacingShare).toBe(0.9);
  });

  it('refuses a wrong value, naming the variable', () => {
    for (const [name, value] of [
      ['AGGREGATION_WINDOW_MS', '10'],
      ['AGGREGATION_GENERATION', '-1'],
      ['AGGREGATION_PACING_SHARE', '1.5'],
      ['AGGREGATION_USD_RATES', 'EUR:1.08'],
    ] as const) {
      expect(() => config({ [name]: value })).toThrow(ConfigError);
      expect(() => config({ [name]: value })).toThrow(name);
    }
  });
});
