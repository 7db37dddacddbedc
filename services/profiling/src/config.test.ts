import { Topics } from '@adtrace/schemas';
import { ConfigError } from '@adtrace/stream';
import { describe, expect, it } from 'vitest';
import { readEnv, toConfig } from './config.ts';

const config = (env: NodeJS.ProcessEnv) => toConfig(readEnv(env));

describe('profiling config', () => {
  it("reads the pipeline's topics and group by default, exactly-once", () => {
    const c = config({ KAFKA_BROKERS: 'k:9092' });
    expect(c.topics).toEqual({
      requests: Topics.bidRequests,
      profiled: Topics.profiledRequests,
      segments: Topics.segments,
    });
    expect(c.group).toBe('profiling');
    expect(c.stream.mode).toBe('exactly-once');
    expect(c.stream.brokers).toEqual(['k:9092']);
    expect(c.stream.deadLetterTopic).toBe(Topics.deadLetters);
    expect(c.cacheSize).toBe(10_000);
  });

  it('lets tests and staging runs override topics, group, mode and cache size', () => {
    const c = config({
      PROFILING_GROUP: 'g',
      PROFILING_REQUESTS_TOPIC: 'a',
      PROFILING_PROFILED_TOPIC: 'b',
      PROFILING_SEGMENTS_TOPIC: 'c',
      PROFILING_MODE: 'at-least-once',
      PROFILING_CACHE_SIZE: '0',
    });
    expect(c).toMatchObject({ group: 'g', topics: { requests: 'a', profiled: 'b', segments: 'c' }, cacheSize: 0 });
    expect(c.stream.mode).toBe('at-least-once');
  });

  it('names the variable when a value is wrong', () => {
    for (const [name, value] of [
      ['PROFILING_CACHE_SIZE', 'lots'],
      ['PROFILING_CACHE_SIZE', '-1'],
      ['PROFILING_MODE', 'at-most-once'],
    ] as const) {
      const error = (() => {
        try {
          config({ [name]: value });
        } catch (e) {
          return e;
        }
      })();
      expect(error, name).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(name);
    }
  });
});
