import { connectWarehouse, type SpanRow, type Warehouse } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SinkOverloaded, SpanSink } from '../src/index.ts';
import { duckdbBackend } from './support.ts';

let n = 0;
const row = (traceId: string, over: Partial<SpanRow> = {}): SpanRow => ({
  traceId,
  spanId: (++n).toString(16).padStart(16, 'a'),
  parentSpanId: null,
  service: 'auction',
  name: 'ads.auction',
  kind: 'internal',
  startUnixMicros: 1_795_305_984_000_000,
  durationMs: 1,
  statusCode: 'unset',
  statusMessage: null,
  eventId: null,
  computeUsd: 0,
  kafkaUsd: 0,
  queryUsd: 0,
  costUsd: 0,
  attributesJson: '{}',
  ...over,
});
const trace = (i: number) => `${String(i).padStart(2, '0')}${'c'.repeat(30)}`;

describe('SpanSink group commit (real DuckDB)', () => {
  const backend = duckdbBackend();
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await connectWarehouse(backend.config);
    await wh.migrate();
  });
  afterAll(async () => {
    await wh?.close();
    await backend.cleanup();
  });

  it('requests that arrive during a load share the next transaction; each resolves once written', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 10_000 });
    const done = [1, 2, 3, 4, 5].map((i) => sink.submit([row(trace(i)), row(trace(i))]));
    await Promise.all(done);
    // The first request starts a load at once; the four that came during it go in one more.
    expect(sink.stats).toMatchObject({ requests: 5, loads: 2, spansReceived: 10, spansInserted: 10, queuedSpans: 0 });
    for (const i of [1, 5]) expect(await wh.traceSpans(trace(i))).toHaveLength(2);
  });

  it('caps a transaction at maxBatchSpans', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 4, maxQueuedSpans: 10_000 });
    await Promise.all([10, 11, 12, 13].map((i) => sink.submit([row(trace(i)), row(trace(i))])));
    expect(sink.stats.loads).toBe(3); // [10], then [11, 12], then [13]
  });

  it('a failed load fails every request in it, and writes none of them', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 10_000 });
    const first = sink.submit([row(trace(20))]);
    const good = sink.submit([row(trace(21))]);
    const bad = sink.submit([row('not-a-trace-id-not-a-trace-id-00')]);
    await first;
    await expect(good).rejects.toThrow();
    await expect(bad).rejects.toThrow();
    expect(await wh.traceSpans(trace(21))).toHaveLength(0);
  });

  it('refuses new requests while too many spans wait', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 3 });
    const first = sink.submit([row(trace(30)), row(trace(30))]);
    await expect(sink.submit([row(trace(31)), row(trace(31))])).rejects.toBeInstanceOf(SinkOverloaded);
    await first;
    await sink.submit([row(trace(32)), row(trace(32))]);
  });
});
