import { Topics } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

describe('the loader’s topics', () => {
  it('are the pipeline’s unless told otherwise', () => {
    expect(toConfig(readEnv({})).loader.topics).toEqual({
      attributedEvents: Topics.attributedEvents,
      roas: Topics.roas,
      deadLetters: Topics.deadLetters,
      rawDeadLetters: Topics.deadLettersRaw,
      impressions: Topics.impressions,
      auctionOutcomes: Topics.auctionOutcomes,
      alerts: Topics.alerts,
      lateEvents: Topics.lateEvents,
      campaigns: Topics.campaigns,
    });
  });

  it('each can be named: a run on topics of its own (bench pipeline) reads none of the shared ones', () => {
    const env = readEnv({
      WAREHOUSE_LOADER_ATTRIBUTED_TOPIC: 'run.attributed',
      WAREHOUSE_LOADER_ROAS_TOPIC: 'run.roas',
      WAREHOUSE_LOADER_DEAD_LETTER_TOPIC: 'run.dlq',
      WAREHOUSE_LOADER_RAW_DEAD_LETTER_TOPIC: 'run.raw-dlq',
      WAREHOUSE_LOADER_IMPRESSIONS_TOPIC: 'run.impressions',
      WAREHOUSE_LOADER_AUCTION_OUTCOMES_TOPIC: 'run.outcomes',
      WAREHOUSE_LOADER_ALERTS_TOPIC: 'run.alerts',
      WAREHOUSE_LOADER_LATE_TOPIC: 'run.late',
      WAREHOUSE_LOADER_CAMPAIGNS_TOPIC: 'run.campaigns',
    });
    const topics = Object.values(toConfig(env).loader.topics);
    expect(topics).toHaveLength(9);
    for (const topic of topics) expect(topic).toMatch(/^run\./);
  });
});

describe('the OTLP receiver’s HTTP/2 window', () => {
  it('is 8 MiB unless told otherwise, and a value HTTP/2 cannot take stops start-up naming it', () => {
    expect(toConfig(readEnv({})).flowControlWindowBytes).toBe(8 << 20);
    expect(toConfig(readEnv({ WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES: '1048576' })).flowControlWindowBytes).toBe(
      1 << 20,
    );
    for (const bad of ['1000', '2147483648', 'big']) {
      expect(() => toConfig(readEnv({ WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES: bad }))).toThrow(
        /WAREHOUSE_OTLP_FLOW_CONTROL_WINDOW_BYTES/,
      );
    }
  });

  it('keeps a week of spans by default; 0 keeps them forever; a bad value names the variable', () => {
    expect(toConfig(readEnv({})).spanRetention.hours).toBe(168);
    expect(toConfig(readEnv({ WAREHOUSE_SPAN_RETENTION_HOURS: '0' })).spanRetention.hours).toBe(0);
    expect(toConfig(readEnv({ WAREHOUSE_SPAN_RETENTION_HOURS: '24' })).spanRetention.hours).toBe(24);
    for (const bad of ['-1', '1.5', 'week', '87601']) {
      expect(() => toConfig(readEnv({ WAREHOUSE_SPAN_RETENTION_HOURS: bad }))).toThrow(
        /WAREHOUSE_SPAN_RETENTION_HOURS/,
      );
    }
  });
});
