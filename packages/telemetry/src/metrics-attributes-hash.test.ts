// The metrics SDK is patched (patches/@opentelemetry__sdk-metrics@3.1.0.patch) to keep the hash of
// a frozen attributes object: the stream runtime records a histogram point per message with one
// frozen object per partition. What must not change: points are still told apart by their
// attributes' values, whatever object carries them.
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';

describe('metric points by attributes (sdk-metrics patched)', () => {
  let provider: MeterProvider | undefined;
  afterEach(async () => {
    await provider?.shutdown();
    provider = undefined;
  });

  async function points(record: (meter: ReturnType<MeterProvider['getMeter']>) => void) {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    provider = new MeterProvider({ readers: [reader] });
    record(provider.getMeter('test'));
    await reader.forceFlush();
    const metric = exporter.getMetrics()[0]!.scopeMetrics[0]!.metrics[0]!;
    return metric.dataPoints.map((p) => ({ attributes: p.attributes, count: count(p) }));
  }

  const count = (p: DataPoint<unknown>) =>
    typeof p.value === 'number' ? p.value : (p.value as { count: number }).count;

  it('counts every record of one frozen object in one point', async () => {
    const frozen = Object.freeze({ topic: 'a', partition: '0' });
    const got = await points((m) => {
      const h = m.createHistogram('latency');
      for (let i = 0; i < 5; i++) h.record(i, frozen);
      h.record(1, { partition: '0', topic: 'a' }); // same values, another object, keys reordered
    });
    expect(got).toEqual([{ attributes: { topic: 'a', partition: '0' }, count: 6 }]);
  });

  it('hashes a frozen object once, not on every record (fails on the stock SDK)', async () => {
    let reads = 0;
    const frozen = Object.freeze({
      get topic() {
        ++reads;
        return 'a';
      },
    });
    await points((m) => {
      const h = m.createHistogram('latency');
      for (let i = 0; i < 100; i++) h.record(i, frozen);
    });
    expect(reads).toBeLessThan(10); // stock: one read per record, 100
  });

  it('still reads a mutable object afresh on every record', async () => {
    const mutable: Record<string, string> = { topic: 'a' };
    const got = await points((m) => {
      const c = m.createCounter('consumed');
      c.add(1, mutable);
      mutable.topic = 'b';
      c.add(2, mutable);
    });
    // Two points (the SDK keeps the first record's object as a point's attributes, so both now
    // read topic b: stock behaviour, not the patch's).
    expect(got.map((p) => p.count)).toEqual([1, 2]);
  });

  it('does not keep the hash of a frozen object holding an array, which can still change', async () => {
    const ids = ['x'];
    const frozen = Object.freeze({ ids });
    const got = await points((m) => {
      const c = m.createCounter('consumed');
      c.add(1, frozen);
      ids[0] = 'y';
      c.add(2, frozen);
    });
    expect(got.map((p) => p.count)).toEqual([1, 2]);
  });
});
