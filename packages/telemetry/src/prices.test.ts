import { describe, expect, it } from 'vitest';
import { LIST_PRICES, pricesFromEnv } from './prices.ts';

/** A stand-in file system: the JSON override is what is under test, not the disk. */
const files = (contents: Record<string, string>) => (path: string) => {
  const text = contents[path];
  if (text === undefined) throw new Error(`ENOENT: no such file ${path}`);
  return text;
};

describe('pricesFromEnv', () => {
  it('defaults to the cited list prices', () => {
    expect(pricesFromEnv({})).toEqual(LIST_PRICES);
    expect(LIST_PRICES).toEqual({
      vcpuHourUsd: 0.04048,
      kafkaInGibUsd: 0.1,
      kafkaOutGibUsd: 0.05,
      queryTibUsd: 6.25,
      storageWriteGibUsd: 0.025,
    });
  });

  it('takes the file, then the environment', () => {
    const read = files({ '/p.json': JSON.stringify({ vcpuHourUsd: 0.02, queryTibUsd: 5 }) });
    const prices = pricesFromEnv({ ADTRACE_PRICES_FILE: '/p.json', ADTRACE_PRICE_QUERY_TIB_USD: '4.5' }, read);
    expect(prices).toEqual({ ...LIST_PRICES, vcpuHourUsd: 0.02, queryTibUsd: 4.5 });
  });

  it('names the variable or field that is wrong', () => {
    expect(() => pricesFromEnv({ ADTRACE_PRICE_VCPU_HOUR_USD: 'cheap' })).toThrow(/ADTRACE_PRICE_VCPU_HOUR_USD/);
    expect(() => pricesFromEnv({ ADTRACE_PRICE_KAFKA_IN_GIB_USD: '-1' })).toThrow(/ADTRACE_PRICE_KAFKA_IN_GIB_USD/);
    const read = files({
      '/bad.json': JSON.stringify({ vcpuHourUSD: 1 }),
      '/neg.json': '{"queryTibUsd": -2}',
      '/arr.json': '[]',
    });
    expect(() => pricesFromEnv({ ADTRACE_PRICES_FILE: '/bad.json' }, read)).toThrow(/unknown price vcpuHourUSD/);
    expect(() => pricesFromEnv({ ADTRACE_PRICES_FILE: '/neg.json' }, read)).toThrow(/field queryTibUsd/);
    expect(() => pricesFromEnv({ ADTRACE_PRICES_FILE: '/arr.json' }, read)).toThrow(/JSON object/);
    expect(() => pricesFromEnv({ ADTRACE_PRICES_FILE: '/missing.json' }, read)).toThrow(/ADTRACE_PRICES_FILE/);
  });
});
