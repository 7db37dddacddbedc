import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWarehouse, type QueryStats, type Warehouse, type WarehouseConfig } from '../src/index.ts';
import { hex, span, twoStageTrace } from './fixtures.ts';

const PG_URL = process.env.WAREHOUSE_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Backend {
  readonly name: string;
  config(): Promise<WarehouseConfig>;
  cleanup(): Promise<void>;
}

const duckdb = (): Backend => {
  const dir = mkdtempSync(join(tmpdir(), 'adtrace-wh-'));
  return {
    name: 'duckdb',
    config: async () => ({ kind: 'duckdb', path: join(dir, 'warehouse.duckdb') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
};

const postgres = (): Backend => {
  const schema = `test_wh_${hex(4)}`;
  return {
    name: 'postgres',
    config: async () => ({ kind: 'postgres', url: PG_URL, schema, poolSize: 2 }),
    async cleanup() {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
};

describe.each([
  { name: 'duckdb', make: duckdb },
  { name: 'postgres', make: postgres },
])('warehouse on $name', ({ make }) => {
  const backend = make();
  const queries: QueryStats[] = [];
  let wh: Warehouse;

  beforeAll(async () => {
    wh = await connectWarehouse(await backend.config(), { onQuery: (s) => queries.push(s) });
  });
  afterAll(async () => {
    await wh?.close();
    await backend.cleanup();
  });

  it(`migrations are versioned and applied once`, async () => {
    expect(await wh.migrate()).toEqual([1, 2, 3, 4, 5]);
    expect(await wh.migrate()).toEqual([]);
  });

  it(`a trace round-trips with its tree, µs start and attributes`, async () => {
    const traceId = hex(16);
    const root = span({
      traceId,
      spanId: 'f0e1d2c3b4a59687',
      service: 'ingest',
      name: 'process raw',
      kind: 'consumer',
      eventId: 'evt-rt',
      startUnixMicros: 1_763_769_600_123_457,
      attributesJson: JSON.stringify({
        'adtrace.event_id': 'evt-rt',
        'messaging.kafka.offset': 42,
        'a\\b': 'tab\there',
      }),
    });
    const child = span({
      traceId,
      spanId: '0000000000000001',
      parentSpanId: root.spanId,
      startUnixMicros: root.startUnixMicros + 5,
      statusCode: 'error',
      statusMessage: 'no fill: line\nbreak',
      eventId: 'evt-rt',
    });
    expect(await wh.loadSpans([child, root])).toEqual({ received: 2, inserted: 2 });
    const spans = await wh.traceSpans(traceId);
    expect(spans.map((s) => [s.spanId, s.parentSpanId])).toEqual([
      [root.spanId, null],
      [child.spanId, root.spanId],
    ]);
    expect(spans[0]).toMatchObject({
      traceId,
      service: 'ingest',
      kind: 'consumer',
      startUnixMicros: 1_763_769_600_123_457,
      costUsd: 3e-9,
    });
    expect(spans[0]!.attributes).toEqual({
      'adtrace.event_id': 'evt-rt',
      'messaging.kafka.offset': 42,
      'a\\b': 'tab\there',
    });
    expect(spans[1]).toMatchObject({ statusCode: 'error', statusMessage: 'no fill: line\nbreak' });
    expect(await wh.traceIdsForEvent('evt-rt')).toEqual([traceId]);
    expect(await wh.traceIdsForEvent('evt-none')).toEqual([]);
    expect(queries.find((q) => q.query === 'trace_spans')?.bytesScanned).toBeGreaterThan(0);
  });

  it(`an OpenRTB request id finds its trace(s), earliest first, and nothing else`, async () => {
    const requestId = `req-${hex(4)}`;
    const [first, retried, other] = [hex(16), hex(16), hex(16)];
    const serve = (traceId: string, id: string, startUnixMicros: number) =>
      span({
        traceId,
        service: 'ingest',
        name: 'ads.serve',
        startUnixMicros,
        eventId: `evt-${traceId.slice(0, 6)}`,
        attributesJson: JSON.stringify({ 'openrtb.request_id': id, 'ads.placement': 'news.example' }),
      });
    await wh.loadSpans([
      serve(retried, requestId, 1_763_769_700_000_000),
      serve(first, requestId, 1_763_769_600_000_000),
      // Its own id, and ids that only look alike: a prefix, and the same text in another attribute.
      serve(other, `${requestId}-2`, 1_763_769_650_000_000),
      span({ traceId: other, attributesJson: JSON.stringify({ 'ads.placement': requestId }) }),
      span({ traceId: first, parentSpanId: null, name: 'ads.auction' }),
    ]);
    expect(await wh.traceIdsForRequest(requestId)).toEqual([first, retried]);
    expect(await wh.traceIdsForRequest(`${requestId}-2`)).toEqual([other]);
    expect(await wh.traceIdsForRequest(requestId.slice(0, -1))).toEqual([]);
    // A quote in the id is a value, not SQL.
    expect(await wh.traceIdsForRequest(`x' OR '1'='1`)).toEqual([]);
    expect(queries.find((q) => q.query === 'trace_ids_for_request')?.bytesScanned).toBeGreaterThan(0);
  });

  it(`loading the same spans again inserts nothing`, async () => {
    const traceId = hex(16);
    const rows = [span({ traceId }), span({ traceId }), span({ traceId })];
    expect((await wh.loadSpans(rows)).inserted).toBe(3);
    expect(await wh.loadSpans([...rows, rows[0]!])).toEqual({ received: 4, inserted: 0 });
    expect(await wh.traceSpans(traceId)).toHaveLength(3);
  });

  it(`a load is one transaction: one bad row and none are written`, async () => {
    const traceId = hex(16);
    const good = [span({ traceId }), span({ traceId })];
    await expect(wh.loadSpans([...good, span({ traceId: 'not-hex-at-all-not-hex-at-all-00' })])).rejects.toThrow();
    expect(await wh.traceSpans(traceId)).toHaveLength(0);
    expect((await wh.loadSpans(good)).inserted).toBe(2);
  });

  it(`bulk loads 20,000 spans`, async () => {
    const traces = Array.from({ length: 200 }, () => hex(16));
    const rows = traces.flatMap((traceId) =>
      Array.from({ length: 100 }, (_, i) => span({ traceId, eventId: `bulk-${i}` })),
    );
    expect(await wh.loadSpans(rows)).toEqual({ received: 20_000, inserted: 20_000 });
    expect(await wh.traceSpans(traces[123]!)).toHaveLength(100);
  });

  it(`cost and latency by stage, per event, without double counting`, async () => {
    const start = 1_900_000_000_000_000; // later than every other test's spans: the report sees only these
    const rows = [
      twoStageTrace('evt-a', 4, start),
      twoStageTrace('evt-b', 8, start + 1000),
      twoStageTrace('evt-c', 12, start + 2000),
    ].flat();
    await wh.loadSpans(rows);
    const report = await wh.stageStats({ sinceMs: start / 1000 });
    expect(report.events).toBe(3);
    const byStage = Object.fromEntries(report.stages.map((s) => [s.stage, s]));
    expect(Object.keys(byStage).sort()).toEqual(['auction', 'ingest']);
    // ingest: its hop root is the 10 ms process span (its send child is not added on top).
    expect(byStage.ingest!.latencyP50Ms).toBeCloseTo(10, 9);
    expect(byStage.auction!.latencyP50Ms).toBeCloseTo(8, 9);
    expect(byStage.auction!.latencyP99Ms).toBeCloseTo(8 + 0.98 * 4, 9);
    expect(byStage.ingest!.costPerEventUsd).toBeCloseTo(2e-6, 15);
    expect(byStage.auction!.costPerEventUsd).toBeCloseTo(6e-6, 15);
    expect(byStage.auction!.costShare).toBeCloseTo(0.75, 9);
    expect(byStage.ingest!.latencyShare + byStage.auction!.latencyShare).toBeCloseTo(1, 9);
    expect(report.costPerEventUsd).toBeCloseTo(8e-6, 15);
    expect(report.endToEndP50Ms).toBeCloseTo(20 + 8, 9);
    const bySpan = await wh.stageStats({ sinceMs: start / 1000, by: 'span' });
    expect(bySpan.stages.map((s) => s.stage)).toContain('auction ads.auction');
  });

  it(`ROAS windows keep the highest revision`, async () => {
    const w = {
      campaignId: 'cmp-1',
      windowStartMs: 1_763_769_600_000,
      windowEndMs: 1_763_769_660_000,
      impressions: 100,
      clicks: 3,
      conversions: 1,
      spendMicros: 250_000,
      revenueMicros: 1_000_000,
      roas: 4,
      observedCtr: 0.03,
      predictedCtr: 0.025,
      revision: 1,
      complete: false,
      completeThroughMs: 1_763_769_650_000,
      emittedAtMs: 1_763_769_651_000,
      generation: 0,
      lateDropped: 0,
      clickThroughConversions: 1,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 1_000_000,
      viewThroughRevenueMicros: 0,
    };
    await wh.loadRoasWindows([w]);
    await wh.loadRoasWindows([
      {
        ...w,
        revision: 3,
        conversions: 2,
        revenueMicros: 2_000_000,
        roas: 8,
        complete: true,
        viewThroughConversions: 1,
        viewThroughRevenueMicros: 1_000_000,
        lateDropped: 4,
      },
      { ...w, revision: 2, roas: 6 },
    ]);
    await wh.loadRoasWindows([{ ...w, revision: 2, roas: 5 }]);
    const [row] = await wh.roasWindows({ campaignId: 'cmp-1' });
    expect(row).toMatchObject({
      revision: 3,
      conversions: 2,
      roas: 8,
      complete: true,
      windowStartMs: w.windowStartMs,
      windowEndMs: w.windowEndMs,
      completeThroughMs: w.completeThroughMs,
      generation: 0,
      lateDropped: 4,
      clickThroughConversions: 1,
      viewThroughConversions: 1,
      clickThroughRevenueMicros: 1_000_000,
      viewThroughRevenueMicros: 1_000_000,
    });
    expect(await wh.roasWindows({ campaignId: 'nope' })).toEqual([]);
  });

  it(`a rebuild (higher generation) replaces a window whatever its revision; the old generation no longer does`, async () => {
    const w = {
      campaignId: 'cmp-rebuild',
      windowStartMs: 1_763_769_600_000,
      windowEndMs: 1_763_769_660_000,
      impressions: 100,
      clicks: 3,
      conversions: 1,
      spendMicros: 250_000,
      revenueMicros: 1_000_000,
      roas: 4,
      observedCtr: 0.03,
      predictedCtr: 0.025,
      revision: 5,
      complete: true,
      completeThroughMs: 1_763_769_950_000,
      emittedAtMs: 1_763_769_951_000,
      generation: 0,
      lateDropped: 0,
      clickThroughConversions: 1,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 1_000_000,
      viewThroughRevenueMicros: 0,
    };
    await wh.loadRoasWindows([w]);
    // In one batch and across batches: generation 1 revision 0 wins over generation 0 revision 5 and 6.
    await wh.loadRoasWindows([
      { ...w, generation: 1, revision: 0, impressions: 101 },
      { ...w, revision: 6 },
    ]);
    await wh.loadRoasWindows([{ ...w, revision: 7, impressions: 1 }]);
    const [row] = await wh.roasWindows({ campaignId: 'cmp-rebuild' });
    expect(row).toMatchObject({ generation: 1, revision: 0, impressions: 101 });
  });

  it(`attributed events load once`, async () => {
    const e = {
      eventId: `imp-${hex(4)}`,
      kind: 'impression',
      originalEventId: 'evt-9',
      campaignId: 'cmp-2',
      adId: 'ad-1',
      touch: 'none',
      costMicros: 1500,
      valueMicros: 0,
      pctr: 0.021,
      eventTimeMs: 1_763_769_600_500,
      attributedAtMs: 1_763_769_600_900,
      traceId: hex(16),
      impressionId: 'evt-9.1',
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: 'USD',
      originalValueMicros: 0,
      modelVersion: 'ctr-v1',
    };
    const conversion = {
      ...e,
      eventId: `conv-${hex(4)}`,
      kind: 'conversion',
      touch: 'click',
      costMicros: 0,
      valueMicros: 10_000_001,
      pctr: 0,
      eventTimeMs: 1_763_769_700_000,
      touchEventId: 'evt-9.1:click',
      touchTimeMs: 1_763_769_650_000,
      originalCurrency: 'EUR',
      originalValueMicros: 8_000_001,
      modelVersion: null,
    };
    expect((await wh.loadAttributedEvents([e, e])).inserted).toBe(1);
    expect((await wh.loadAttributedEvents([e])).inserted).toBe(0);
    expect(await wh.attributedEvents({ campaignId: 'cmp-2' })).toEqual([e]);
    expect((await wh.loadAttributedEvents([conversion])).inserted).toBe(1);
    expect(await wh.attributedEvents({ campaignId: 'cmp-2' })).toEqual([conversion, e]);
  });

  it(`dead letters keep bytes and headers, newest first`, async () => {
    const base = {
      originalTopic: 'adtrace.bid-requests.raw',
      originalPartition: 2,
      originalOffset: '9007199254740993',
      originalTimestampMs: 1_763_769_600_000,
      reason: 'imp[0].id is missing',
      code: 'REQUIRED',
      errorClass: 'ValidationError',
      stage: 'ingest',
      eventId: null,
      traceparent: `00-${hex(16)}-${hex(8)}-01`,
      key: Buffer.from('user\u00001'),
      value: Buffer.from([0, 1, 2, 255, 92]),
      headersJson: JSON.stringify({ 'adtrace.dlq.reason': 'imp[0].id is missing' }),
    };
    const older = { ...base, dlqPartition: 0, dlqOffset: '7', deadLetteredAtMs: 1_763_769_601_000 };
    const newer = { ...base, dlqPartition: 1, dlqOffset: '3', deadLetteredAtMs: 1_763_769_602_000, eventId: 'evt-x' };
    expect((await wh.loadDeadLetters([older, newer, older])).inserted).toBe(2);
    const rows = await wh.deadLetters({ limit: 10 });
    expect(rows.map((r) => r.dlqOffset)).toEqual(['3', '7']);
    expect(rows[0]).toMatchObject({
      originalOffset: '9007199254740993',
      reason: 'imp[0].id is missing',
      eventId: 'evt-x',
    });
    expect(rows[0]!.value).toEqual(base.value);
    expect(rows[0]!.key).toEqual(base.key);
    expect(JSON.parse(rows[0]!.headersJson)).toEqual({ 'adtrace.dlq.reason': 'imp[0].id is missing' });
  });

  it(`no-fill reasons from the auction's spans: wins, no-fills by reason, since a time`, async () => {
    // A start later than any other test's spans, so `sinceMs` keeps only these.
    const startUs = 1_900_000_000_000_000;
    const auction = (outcome: string, reason?: string, name = 'ads.auction') =>
      span({
        traceId: hex(16),
        name,
        startUnixMicros: startUs,
        attributesJson: JSON.stringify({
          'ads.auction.outcome': outcome,
          ...(reason && { 'ads.no_fill.reason': reason }),
        }),
      });
    await wh.loadSpans([
      auction('WIN'),
      auction('WIN'),
      auction('NO_FILL', 'BELOW_FLOOR'),
      auction('NO_FILL', 'NO_CANDIDATES'),
      auction('NO_FILL', 'NO_CANDIDATES'),
      auction('NO_FILL', 'NO_CANDIDATES', 'ads.policy_filter'), // not the auction's outcome span
      span({ traceId: hex(16), startUnixMicros: startUs }), // an ads.auction span without an outcome
    ]);
    expect(await wh.noFills({ sinceMs: startUs / 1000 })).toEqual({
      imps: 5,
      wins: 2,
      noFills: 3,
      reasons: [
        { reason: 'NO_CANDIDATES', count: 2 },
        { reason: 'BELOW_FLOOR', count: 1 },
      ],
    });
    expect(await wh.noFills({ sinceMs: startUs / 1000 + 1 })).toEqual({ imps: 0, wins: 0, noFills: 0, reasons: [] });
  });

  it(`a campaign window's flush spans are found by campaign and window start, latest first`, async () => {
    const flush = (campaignId: string, windowStartMs: number, startUnixMicros: number) =>
      span({
        traceId: hex(16),
        service: 'aggregation',
        name: 'ads.aggregate.flush',
        startUnixMicros,
        attributesJson: JSON.stringify({ 'campaign.id': campaignId, 'roas.window.start_ms': windowStartMs }),
      });
    const windowStart = 1_763_769_600_000;
    const closed = flush('cmp-flush', windowStart, 1_763_773_200_000_000);
    const restated = flush('cmp-flush', windowStart, 1_763_773_260_000_000);
    await wh.loadSpans([
      closed,
      restated,
      flush('cmp-flush', windowStart + 3_600_000, 1),
      flush('cmp-other', windowStart, 2),
    ]);
    expect(await wh.flushTraceIds({ campaignId: 'cmp-flush', windowStartMs: windowStart })).toEqual([
      restated.traceId,
      closed.traceId,
    ]);
    expect(await wh.flushTraceIds({ campaignId: 'cmp-none', windowStartMs: windowStart })).toEqual([]);
  });

  it(`rejects a malformed trace id instead of querying`, async () => {
    await expect(wh.traceSpans('xyz')).rejects.toThrow(/32 lower-case hex/);
  });
});
