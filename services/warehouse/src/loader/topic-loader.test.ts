import { describe, expect, test } from 'vitest';
import { loaderStreamConfig } from './topic-loader.ts';

describe("the loader's runtime knobs", () => {
  const topics = { attributedEvents: 'a', roas: 'r', deadLetters: 'd' };
  const config = (env: NodeJS.ProcessEnv) => loaderStreamConfig({ brokers: ['k:9092'], topics, env });

  test('it lingers 500 ms after a fetch that caught up, unless WAREHOUSE_LOADER_LINGER_MS says otherwise', () => {
    expect(config({}).lingerMs).toBe(500);
    expect(config({ WAREHOUSE_LOADER_LINGER_MS: '0' }).lingerMs).toBe(0);
    expect(() => config({ WAREHOUSE_LOADER_LINGER_MS: 'soon' })).toThrow(
      /^WAREHOUSE_LOADER_LINGER_MS: expected an integer/,
    );
  });

  test("its brokers are the service's, its dead letters go to the topic it loads", () => {
    expect(config({ WAREHOUSE_LOADER_BATCH_SIZE: '7' })).toMatchObject({
      brokers: ['k:9092'],
      deadLetterTopic: 'd',
      batchSize: 7,
    });
  });
});
