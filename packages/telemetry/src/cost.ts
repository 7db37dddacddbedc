import type { PriceTable } from './prices.ts';

const GIB = 1024 ** 3;
const TIB = 1024 ** 4;

/** What a span measured; every field is the span's own (self) share. */
export interface SpanUsage {
  /** CPU time in microseconds. */
  readonly cpuMicros: number;
  /** Bytes written to Kafka (produced). */
  readonly kafkaBytesIn: number;
  /** Bytes read from Kafka (consumed). */
  readonly kafkaBytesOut: number;
  /** Bytes scanned by warehouse queries. */
  readonly queryBytesScanned: number;
  /** Bytes written into the warehouse (its load spans); absent means 0. */
  readonly storageBytesWritten?: number;
}

export interface SpanCost {
  readonly computeUsd: number;
  readonly kafkaUsd: number;
  readonly queryUsd: number;
  readonly storageUsd: number;
  /** computeUsd + kafkaUsd + queryUsd + storageUsd (the plain sum: reports may re-add the parts and get the same number). */
  readonly totalUsd: number;
}

export const NO_USAGE: SpanUsage = { cpuMicros: 0, kafkaBytesIn: 0, kafkaBytesOut: 0, queryBytesScanned: 0 };

/**
 * Prices one span's usage. Negative or non-finite inputs count as zero: a clock that went
 * backwards or a garbage attribute must not make a cost negative.
 */
export function priceUsage(usage: SpanUsage, prices: PriceTable): SpanCost {
  const pos = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);
  const computeUsd = (pos(usage.cpuMicros) / 3.6e9) * prices.vcpuHourUsd;
  const kafkaUsd =
    (pos(usage.kafkaBytesIn) / GIB) * prices.kafkaInGibUsd + (pos(usage.kafkaBytesOut) / GIB) * prices.kafkaOutGibUsd;
  const queryUsd = (pos(usage.queryBytesScanned) / TIB) * prices.queryTibUsd;
  const storageUsd = (pos(usage.storageBytesWritten ?? 0) / GIB) * prices.storageWriteGibUsd;
  return { computeUsd, kafkaUsd, queryUsd, storageUsd, totalUsd: computeUsd + kafkaUsd + queryUsd + storageUsd };
}
