import { describe, expect, it } from 'vitest';
import { NO_USAGE, priceUsage } from './cost.ts';
import { LIST_PRICES } from './prices.ts';

describe('priceUsage', () => {
  it('prices one vCPU-hour, one GiB each way and one TiB scanned at the list prices', () => {
    const cost = priceUsage(
      { cpuMicros: 3.6e9, kafkaBytesIn: 1024 ** 3, kafkaBytesOut: 1024 ** 3, queryBytesScanned: 1024 ** 4 },
      LIST_PRICES,
    );
    expect(cost.computeUsd).toBeCloseTo(0.04048, 12);
    expect(cost.kafkaUsd).toBeCloseTo(0.1 + 0.05, 12);
    expect(cost.queryUsd).toBeCloseTo(6.25, 12);
  });

  it('total is exactly the sum of the three parts', () => {
    for (const usage of [
      { cpuMicros: 137, kafkaBytesIn: 812, kafkaBytesOut: 0, queryBytesScanned: 0 },
      { cpuMicros: 0, kafkaBytesIn: 0, kafkaBytesOut: 4096, queryBytesScanned: 7_000_000 },
      { cpuMicros: 98_765, kafkaBytesIn: 1, kafkaBytesOut: 2, queryBytesScanned: 3 },
    ]) {
      const c = priceUsage(usage, LIST_PRICES);
      expect(c.totalUsd).toBe(c.computeUsd + c.kafkaUsd + c.queryUsd);
      expect(c.totalUsd).toBeGreaterThan(0);
    }
  });

  it('scales linearly with the price table', () => {
    const usage = { cpuMicros: 1000, kafkaBytesIn: 500, kafkaBytesOut: 500, queryBytesScanned: 1e6 };
    const { vcpuHourUsd, kafkaInGibUsd, kafkaOutGibUsd, queryTibUsd } = LIST_PRICES;
    const doubled = {
      vcpuHourUsd: vcpuHourUsd * 2,
      kafkaInGibUsd: kafkaInGibUsd * 2,
      kafkaOutGibUsd: kafkaOutGibUsd * 2,
      queryTibUsd: queryTibUsd * 2,
    };
    expect(priceUsage(usage, doubled).totalUsd).toBeCloseTo(priceUsage(usage, LIST_PRICES).totalUsd * 2, 15);
  });

  it('treats negative and non-finite usage as zero', () => {
    expect(
      priceUsage(
        { cpuMicros: -5, kafkaBytesIn: Number.NaN, kafkaBytesOut: Infinity, queryBytesScanned: -1 },
        LIST_PRICES,
      ).totalUsd,
    ).toBe(0);
    expect(priceUsage(NO_USAGE, LIST_PRICES).totalUsd).toBe(0);
  });
});
