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
    const done = [1, 2, 3, 4, 5].map((i) => sink.submit({ rows: [row(trace(i)), row(trace(i))] }));
    await Promise.all(done);
    // The first request starts a load at once; the four that came during it go in one more.
    expect(sink.stats).toMatchObject({ requests: 5, loads: 2, spansReceived: 10, spansInserted: 10, queuedSpans: 0 });
    for (const i of [1, 5]) expect(await wh.traceSpans(trace(i))).toHaveLength(2);
  });

  it('counts the warehouse’s own load spans that come alone apart (no event’s spans: the bench’s "last stored" leaves them out)', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 10_000 });
    await sink.submit({ rows: [row(trace(30)), row(trace(30))] });
    await sink.submit({ rows: [row(trace(31), { name: 'warehouse.load spans', service: 'warehouse' })] });
    expect(sink.stats).toMatchObject({ spansInserted: 3, ownLoadSpansInserted: 1 });
  });

  it('caps a transaction at maxBatchSpans', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 4, maxQueuedSpans: 10_000 });
    await Promise.all([10, 11, 12, 13].map((i) => sink.submit({ rows: [row(trace(i)), row(trace(i))] })));
    expect(sink.stats.loads).toBe(3); // [10], then [11, 12], then [13]
  });

  it('a failed load fails every request in it, and writes none of them', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 10_000 });
    const first = sink.submit({ rows: [row(trace(20))] });
    const good = sink.submit({ rows: [row(trace(21))] });
    const bad = sink.submit({ rows: [row('not-a-trace-id-not-a-trace-id-00')] });
    await first;
    await expect(good).rejects.toThrow();
    await expect(bad).rejects.toThrow();
    expect(await wh.traceSpans(trace(21))).toHaveLength(0);
  });

  it('refuses new requests while too many spans wait', async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 3 });
    const first = sink.submit({ rows: [row(trace(30)), row(trace(30))] });
    await expect(sink.submit({ rows: [row(trace(31)), row(trace(31))] })).rejects.toBeInstanceOf(SinkOverloaded);
    await first;
    await sink.submit({ rows: [row(trace(32)), row(trace(32))] });
  });

  it("stores a resource once, before the first spans that name it; the trace query gives each span its resource's attributes", async () => {
    const sink = new SpanSink(wh, { maxBatchSpans: 1000, maxQueuedSpans: 10_000 });
    const resource = {
      resourceId: '0123456789abcdef',
      service: 'auction',
      attributesJson: '{"service.instance.id":"auction@pod-a","service.version":"1.2.0"}',
    };
    const named = (i: number, attributesJson = '{}') =>
      row(trace(i), { resourceId: resource.resourceId, attributesJson });
    await sink.submit({ rows: [named(40, '{"service.version":"own"}')], resources: [resource] });
    await Promise.all([41, 42].map((i) => sink.submit({ rows: [named(i)], resources: [resource] })));
    const [stored] = await wh.sql('SELECT count(*) AS n FROM span_resources');
    expect(Number(stored!.n)).toBe(1);
    expect((await wh.traceSpans(trace(41)))[0]!.attributes).toEqual({
      'service.instance.id': 'auction@pod-a',
      'service.version': '1.2.0',
    });
    // The span's own attribute wins over its resource's.
    expect((await wh.traceSpans(trace(40)))[0]!.attributes).toMatchObject({
      'service.instance.id': 'auction@pod-a',
      'service.version': 'own',
    });
  });
});
