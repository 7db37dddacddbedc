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

  it('totals the three parts at the list prices, as worked out by hand', () => {
    // 1 vCPU-hour + 1 GiB in + 2 GiB out + ½ TiB scanned = 0.04048 + 0.1 + 0.1 + 3.125
    const c = priceUsage(
      { cpuMicros: 3.6e9, kafkaBytesIn: 1024 ** 3, kafkaBytesOut: 2 * 1024 ** 3, queryBytesScanned: 1024 ** 4 / 2 },
      LIST_PRICES,
    );
    expect(c.totalUsd).toBeCloseTo(3.36548, 12);
    // 137 µs of CPU alone: 137 / 3.6e9 × 0.04048
    expect(
      priceUsage({ cpuMicros: 137, kafkaBytesIn: 0, kafkaBytesOut: 0, queryBytesScanned: 0 }, LIST_PRICES).totalUsd,
    ).toBeCloseTo(1.540489e-9, 15);
  });

  it('scales linearly with the price table', () => {
    const usage = { cpuMicros: 1000, kafkaBytesIn: 500, kafkaBytesOut: 500, queryBytesScanned: 1e6 };
    const { vcpuHourUsd, kafkaInGibUsd, kafkaOutGibUsd, queryTibUsd, storageWriteGibUsd } = LIST_PRICES;
    const doubled = {
      vcpuHourUsd: vcpuHourUsd * 2,
      kafkaInGibUsd: kafkaInGibUsd * 2,
      kafkaOutGibUsd: kafkaOutGibUsd * 2,
      queryTibUsd: queryTibUsd * 2,
      storageWriteGibUsd: storageWriteGibUsd * 2,
    };
    expect(priceUsage(usage, doubled).totalUsd).toBeCloseTo(priceUsage(usage, LIST_PRICES).totalUsd * 2, 15);
  });

  it('prices bytes written into the warehouse at the storage-write list price, in the total', () => {
    // 4 GiB written × $0.025 per GiB (BigQuery Storage Write API) = $0.10
    const c = priceUsage({ ...NO_USAGE, storageBytesWritten: 4 * 1024 ** 3 }, LIST_PRICES);
    expect(c.storageUsd).toBeCloseTo(0.1, 12);
    expect(c.totalUsd).toBeCloseTo(0.1, 12);
    expect(priceUsage({ ...NO_USAGE, storageBytesWritten: -1 }, LIST_PRICES).storageUsd).toBe(0);
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
