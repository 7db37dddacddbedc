import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import {
  connectWarehouse,
  type QueryStats,
  type RoasWindowRow,
  type Warehouse,
  type WarehouseConfig,
} from '../src/index.ts';
import { auctionOutcome, hex, span, twoStageTrace } from './fixtures.ts';

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

/** A table's columns and indexes, from PostgreSQL's catalog. */
async function pgCatalog(config: WarehouseConfig, table: string): Promise<{ columns: string[]; indexes: string[] }> {
  if (config.kind !== 'postgres') throw new Error('PostgreSQL only');
  const client = new pg.Client({ connectionString: config.url });
  await client.connect();
  try {
    const columns = await client.query(
      'SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
      [config.schema, table],
    );
    const indexes = await client.query('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [
      config.schema,
      table,
    ]);
    return {
      columns: columns.rows.map((r) => String(r.column_name)),
      indexes: indexes.rows.map((r) => String(r.indexdef).replace(/^.* USING /, '')),
    };
  } finally {
    await client.end();
  }
}

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
    expect(await wh.migrate()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 30, 31, 32, 33, 34]);
    expect(await wh.migrate()).toEqual([]);
  });

  it.runIf(backend.name === 'postgres')(
    `impressions: the columns segments build on, indexed by campaign + time and user`,
    async () => {
      const { columns, indexes } = await pgCatalog(await backend.config(), 'impressions');
      expect(indexes).toEqual(expect.arrayContaining(['btree (campaign_id, event_time)', 'btree (user_key)']));
      expect(columns).toEqual(
        expect.arrayContaining([
          'impression_id',
          'event_id',
          'request_id',
          'imp_id',
          'user_key',
          'campaign_id',
          'ad_id',
          'creative_id',
          'bid_type',
          'price_micros',
          'click_price_micros',
          'pctr',
          'model_version',
          'event_time',
          'trace_id',
          'loaded_at',
        ]),
      );
    },
  );

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
      // As the receiver stores it: its own attributes only, the event id in its column, the
      // resource's in span_resources.
      attributesJson: JSON.stringify({ 'messaging.kafka.offset': 42, 'a\\b': 'tab\there' }),
      resourceId: 'fedcba9876543210',
    });
    const resource = {
      resourceId: 'fedcba9876543210',
      service: 'ingest',
      attributesJson: '{"service.instance.id":"ingest@pod-a"}',
    };
    expect(await wh.loadSpanResources([resource])).toMatchObject({ inserted: 1 });
    expect(await wh.loadSpanResources([resource])).toMatchObject({ inserted: 0 });
    const child = span({
      traceId,
      spanId: '0000000000000001',
      parentSpanId: root.spanId,
      startUnixMicros: root.startUnixMicros + 5,
      statusCode: 'error',
      statusMessage: 'no fill: line\nbreak',
      eventId: 'evt-rt',
    });
    expect(await wh.loadSpans([child, root])).toMatchObject({ received: 2, inserted: 2 });
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
    // One flat map again: the resource's, what the name says, the event id, the span's own.
    expect(spans[0]!.attributes).toEqual({
      'service.instance.id': 'ingest@pod-a',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'raw',
      'adtrace.event_id': 'evt-rt',
      'messaging.kafka.offset': 42,
      'a\\b': 'tab\there',
    });
    // A row without a resource (stored before span_resources) reads as it was stored.
    expect(spans[1]!.attributes).toEqual({ 'adtrace.event_id': 'evt-rt' });
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

  it(`deletes the spans that started before a time, and only those (span retention)`, async () => {
    // In 1980: older than every other test's spans, which this must not touch.
    const traceId = hex(16);
    const y1980 = 315_532_800_000_000;
    const yearUs = 365 * 86_400_000_000;
    const old = [span({ traceId, startUnixMicros: y1980 }), span({ traceId, startUnixMicros: y1980 + 1_000 })];
    const kept = span({ traceId, startUnixMicros: y1980 + 2 * yearUs });
    expect((await wh.loadSpans([...old, kept])).inserted).toBe(3);
    const before = (y1980 + yearUs) / 1000;
    expect(await wh.deleteSpansBefore(before)).toBe(2);
    expect((await wh.traceSpans(traceId)).map((s) => s.spanId)).toEqual([kept.spanId]);
    expect(await wh.deleteSpansBefore(before)).toBe(0);
    await expect(wh.deleteSpansBefore(Number.NaN)).rejects.toThrow(RangeError);
  });

  it(`loading the same spans again inserts nothing`, async () => {
    const traceId = hex(16);
    const rows = [span({ traceId }), span({ traceId }), span({ traceId })];
    expect((await wh.loadSpans(rows)).inserted).toBe(3);
    expect(await wh.loadSpans([...rows, rows[0]!])).toMatchObject({ received: 4, inserted: 0 });
    expect(await wh.traceSpans(traceId)).toHaveLength(3);
  });

  it(`a load repeating rows already there inserts only the new ones and leaves the old as they were`, async () => {
    // A redelivered chunk or a retried export overlapping a newer one: DuckDB's first attempt (the
    // insert without ON CONFLICT) fails on the repeated key, and must leave nothing of itself.
    const traceId = hex(16);
    const old = span({ traceId, name: 'first' });
    expect((await wh.loadSpans([old])).inserted).toBe(1);
    const fresh = [span({ traceId, name: 'new' }), span({ traceId, name: 'new' })];
    const again = { ...old, name: 'changed', durationMs: 99 };
    expect(await wh.loadSpans([fresh[0]!, again, fresh[1]!])).toMatchObject({ received: 3, inserted: 2 });
    const names = (await wh.traceSpans(traceId)).map((s) => s.name).sort();
    expect(names).toEqual(['first', 'new', 'new']);
    // A chunk of the loader's: the same, for a topic table.
    const event = (eventId: string, costMicros: number) => ({
      ...{ eventId, kind: 'impression', originalEventId: 'evt-r', campaignId: 'cmp-repeat', adId: 'ad-1' },
      ...{ touch: 'none', costMicros, valueMicros: 0, pctr: 0.01, eventTimeMs: 1_763_769_600_000 },
      ...{ attributedAtMs: 1_763_769_600_500, traceId: null, impressionId: eventId, touchEventId: null },
      ...{ touchTimeMs: null, originalCurrency: 'USD', originalValueMicros: 0, modelVersion: null },
    });
    const id = `imp-${hex(4)}`;
    expect((await wh.loadAttributedEvents([event(id, 10)])).inserted).toBe(1);
    expect((await wh.loadAttributedEvents([event(`${id}b`, 20), event(id, 30)])).inserted).toBe(1);
    const rows = await wh.sql(
      `SELECT event_id, cost_micros FROM attributed_events WHERE campaign_id = 'cmp-repeat' ORDER BY event_id`,
    );
    expect(rows.map((r) => [r.event_id, Number(r.cost_micros)])).toEqual([
      [id, 10],
      [`${id}b`, 20],
    ]);
  });

  it(`loads asked at once each answer for their own rows, together or alone`, async () => {
    // DuckDB runs loads that queue behind a busy writer as one transaction (load-groups.ts): the
    // loader's partitions and a span group at once. One repeating a key, or refused, must
    // neither take the others down nor change what each answers.
    const traceId = hex(16);
    const old = span({ traceId, name: 'old' });
    await wh.loadSpans([old]);
    const a = [span({ traceId }), span({ traceId })];
    const b = [span({ traceId }), { ...old, name: 'again' }];
    const bad = [span({ traceId: 'not-hex-at-all-not-hex-at-all-00' })];
    const c = [span({ traceId })];
    const imps = [1, 2, 3].map((i) => ({
      ...{ impressionId: `grp-${traceId}-${i}`, eventId: `evt-${i}`, requestId: 'req', impId: '1', userKey: null },
      ...{
        campaignId: 'cmp-grp',
        adId: 'ad-1',
        creativeId: 'cr-1',
        bidType: 'cpm',
        priceMicros: 1,
        clickPriceMicros: 0,
      },
      ...{ pctr: 0.01, modelVersion: null, eventTimeMs: 1_763_769_600_000, traceId },
    }));
    const answers = await Promise.allSettled([
      wh.loadSpans(a),
      wh.loadImpressions(imps.slice(0, 2)),
      wh.loadSpans(b),
      wh.loadSpans(bad),
      wh.loadImpressions(imps.slice(2)),
      wh.loadSpans(c),
    ]);
    expect(answers.map((x) => (x.status === 'fulfilled' ? x.value.inserted : 'rejected'))).toEqual([
      2,
      2,
      1,
      'rejected',
      1,
      1,
    ]);
    expect((await wh.traceSpans(traceId)).map((s) => s.name).filter((n) => n !== 'ads.auction')).toEqual(['old']);
    expect(await wh.traceSpans(traceId)).toHaveLength(5);
    const [count] = await wh.sql(`SELECT count(*) AS n FROM impressions WHERE campaign_id = 'cmp-grp'`);
    expect(Number(count?.n)).toBe(3);
    // All new, at once: one transaction on DuckDB, the same answers.
    const more = await Promise.all([
      wh.loadSpans([span({ traceId })]),
      wh.loadSpans([span({ traceId }), span({ traceId })]),
    ]);
    expect(more.map((r) => [r.received, r.inserted])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect(more[1]!.bytesWritten).toBeGreaterThan(more[0]!.bytesWritten);
  });

  it(`a load is one transaction: one bad row and none are written`, async () => {
    const traceId = hex(16);
    const good = [span({ traceId }), span({ traceId })];
    await expect(wh.loadSpans([...good, span({ traceId: 'not-hex-at-all-not-hex-at-all-00' })])).rejects.toThrow();
    expect(await wh.traceSpans(traceId)).toHaveLength(0);
    expect((await wh.loadSpans(good)).inserted).toBe(2);
  });

  it(`ids pasted from a traceparent find the span with plain SQL (spans_hex reads W3C hex)`, async () => {
    // From a log line; span ids with a leading zero and with the top bit set (negative as a signed bigint).
    const traceparent = `00-${hex(15)}0e-00f067aa0ba902b7-01`;
    const [, traceId, parentId] = traceparent.split('-') as [string, string, string];
    const childId = 'f0067aa0ba902b70';
    await wh.loadSpans([
      span({ traceId, spanId: parentId }),
      span({ traceId, spanId: childId, parentSpanId: parentId, name: 'child' }),
    ]);
    const rows = await wh.sql(
      `SELECT trace_id, span_id, parent_span_id, name FROM spans_hex WHERE trace_id = '${traceId}' AND span_id = '${childId}'`,
    );
    expect(rows).toEqual([{ trace_id: traceId, span_id: childId, parent_span_id: parentId, name: 'child' }]);
    const [parent] = await wh.sql('SELECT span_id FROM spans_hex WHERE span_id = $1', [parentId]);
    expect(parent).toEqual({ span_id: parentId });
  });

  it(`bulk loads 20,000 spans`, async () => {
    const traces = Array.from({ length: 200 }, () => hex(16));
    const rows = traces.flatMap((traceId) =>
      Array.from({ length: 100 }, (_, i) => span({ traceId, eventId: `bulk-${i}` })),
    );
    expect(await wh.loadSpans(rows)).toMatchObject({ received: 20_000, inserted: 20_000 });
    expect(await wh.traceSpans(traces[123]!)).toHaveLength(100);
  });

  it(`cost counts whole traces started in range; serving latency and conversion lag apart; shared work adds to its stage`, async () => {
    const since = 1_850_000_000_000_000; // after every earlier test's spans, before the next test's
    const t = (offsetMs: number) => since + offsetMs * 1000;
    const fixed = { computeUsd: 0, kafkaUsd: 0, queryUsd: 0 };
    // Began before the range: only its late click is in it. Not an event of the range at all.
    const old = hex(16);
    // Began in range: ingest 10 ms, impression served at 50 ms, converted 2 h later in the same trace.
    const fresh = hex(16);
    const shared = hex(16);
    const [ingest, delivery, tracking] = [hex(8), hex(8), hex(8)];
    await wh.loadSpans([
      span({
        traceId: old,
        service: 'ingest',
        startUnixMicros: t(-1_000),
        durationMs: 10,
        eventId: 'evt-old',
        ...fixed,
        costUsd: 1e-6,
      }),
      span({
        traceId: old,
        service: 'tracking',
        startUnixMicros: t(5_000),
        durationMs: 2,
        eventId: 'evt-old',
        ...fixed,
        costUsd: 7e-6,
      }),
      span({
        traceId: fresh,
        spanId: ingest,
        service: 'ingest',
        startUnixMicros: t(0),
        durationMs: 10,
        eventId: 'evt-new',
        ...fixed,
        costUsd: 1e-6,
      }),
      span({
        ...{
          traceId: fresh,
          spanId: delivery,
          parentSpanId: ingest,
          service: 'delivery',
          name: 'ads.prepare_creative',
        },
        ...{ startUnixMicros: t(40), durationMs: 10, eventId: 'evt-new', ...fixed, costUsd: 2e-6 },
      }),
      span({
        ...{ traceId: fresh, spanId: tracking, parentSpanId: delivery, service: 'tracking', name: 'ads.attribute' },
        ...{ startUnixMicros: t(7_200_050), durationMs: 1, eventId: 'evt-new', ...fixed, costUsd: 3e-6 },
        attributesJson: JSON.stringify({ 'ads.event_type': 'conversion' }),
      }),
      // A flush: its own root, no event id. Shared work of the range.
      span({
        traceId: hex(16),
        service: 'aggregation',
        startUnixMicros: t(60_000),
        durationMs: 1,
        ...fixed,
        costUsd: 4e-6,
      }),
      // Shared work that began before the range: only its span in range counts.
      ...[-5_000, 30_000].map((at) =>
        span({
          traceId: shared,
          service: 'aggregation',
          startUnixMicros: t(at),
          durationMs: 1,
          ...fixed,
          costUsd: 5e-6,
        }),
      ),
    ]);
    const report = await wh.stageStats({ sinceMs: since / 1000 });
    expect(report.events).toBe(1);
    const byStage = Object.fromEntries(report.stages.map((s) => [s.stage, s]));
    // The old trace's click is not counted; the fresh trace's conversion two hours later is.
    expect(byStage.tracking).toMatchObject({ events: 1, costUsd: 3e-6, sharedUsd: 0 });
    expect(byStage.ingest).toMatchObject({ events: 1, costUsd: 1e-6 });
    expect(byStage.aggregation).toMatchObject({ events: 0, costUsd: 4e-6 + 5e-6, sharedUsd: 4e-6 + 5e-6 });
    expect(report.costPerEventUsd).toBeCloseTo(1e-6 + 2e-6 + 3e-6 + 4e-6 + 5e-6, 15);
    expect(report.serving).toEqual({ events: 1, p50Ms: 50, p99Ms: 50 });
    expect(report.conversionLag.events).toBe(1);
    expect(report.conversionLag.p50Ms).toBeCloseTo(7_200_000, 6);
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

  it(`what the warehouse spends storing a stage's data is that stage's cost; its queries stay its own`, async () => {
    const start = 1_960_000_000_000_000; // later than every other test's spans: the report sees only these
    const trace = hex(16);
    const [ingest, delivery] = [hex(8), hex(8)];
    const at = (n: number) => ({ startUnixMicros: start + n, durationMs: 1 });
    await wh.loadSpans([
      span({ traceId: trace, spanId: ingest, service: 'ingest', name: 'process raw', ...at(0), costUsd: 1e-6 }),
      span({
        ...{ traceId: trace, spanId: delivery, parentSpanId: ingest, service: 'delivery' },
        ...{ name: 'ads.prepare_creative', eventId: 'evt-stored', ...at(10), costUsd: 2e-6 },
      }),
      // The loader's span of the impression's record, in the event's trace: storing delivery's output.
      span({
        ...{ traceId: trace, parentSpanId: delivery, service: 'warehouse', name: 'process adtrace.impressions' },
        ...{ ...at(20), costUsd: 4e-6 },
      }),
      // Roots of their own: the load of the impressions table, a load of spans, a query.
      span({
        ...{ traceId: hex(16), service: 'warehouse', name: 'warehouse.load impressions', ...at(30), costUsd: 8e-6 },
        attributesJson: JSON.stringify({ 'adtrace.load.table': 'impressions' }),
      }),
      span({ traceId: hex(16), service: 'warehouse', name: 'warehouse.load spans', ...at(40), costUsd: 16e-6 }),
      span({ traceId: hex(16), service: 'warehouse', name: 'warehouse.query trace_stages', ...at(50), costUsd: 32e-6 }),
    ]);
    const report = await wh.stageStats({ sinceMs: start / 1000 });
    const byStage = Object.fromEntries(report.stages.map((x) => [x.stage, x]));
    // Storing traces is split by the bytes of each stage's spans (attributes' text + name + 100).
    const loadAttrs = backend.name === 'postgres' ? 37 : 36; // jsonb prints a space after the colon
    const bytes = { ingest: 2 + 11 + 100, delivery: 122 + 129 + loadAttrs + 26 + 100, warehouse: 130 };
    const total = bytes.ingest + bytes.delivery + bytes.warehouse;
    const traces = (stage: keyof typeof bytes) => (16e-6 * bytes[stage]) / total;
    expect(byStage.ingest!.costUsd).toBeCloseTo(1e-6 + traces('ingest'), 15);
    expect(byStage.ingest!.storedUsd).toBeCloseTo(traces('ingest'), 15);
    expect(byStage.delivery!.costUsd).toBeCloseTo(2e-6 + 4e-6 + 8e-6 + traces('delivery'), 15);
    expect(byStage.delivery!.storedUsd).toBeCloseTo(4e-6 + 8e-6 + traces('delivery'), 15);
    expect(byStage.delivery!.traceStorageUsd).toBeCloseTo(traces('delivery'), 15);
    // The warehouse keeps its queries (reading is no stage's storing) and its own spans' share.
    expect(byStage.warehouse!.costUsd).toBeCloseTo(32e-6 + traces('warehouse'), 15);
    expect(byStage.warehouse!.storedUsd).toBe(0);
    // Its latency stays its own: the loader's span took its time in the event.
    expect(byStage.warehouse!.events).toBe(1);
    const sum = (k: 'costUsd' | 'traceStorageUsd') => report.stages.reduce((n, x) => n + x[k], 0);
    expect(sum('costUsd')).toBeCloseTo(63e-6, 15);
    expect(sum('traceStorageUsd')).toBeCloseTo(16e-6, 15);
    // By span name every span stays where it is.
    const bySpan = await wh.stageStats({ sinceMs: start / 1000, by: 'span' });
    const raw = Object.fromEntries(bySpan.stages.map((x) => [x.stage, x]));
    expect(raw['warehouse warehouse.load spans']!.costUsd).toBeCloseTo(16e-6, 15);
    expect(raw['warehouse warehouse.load impressions']!.storedUsd).toBe(0);
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

  it(`a rebuild's generation is kept apart and becomes roas_windows only once it has caught up`, async () => {
    // A warehouse of its own: "caught up" is judged over every campaign the current generation has.
    const own = make();
    const wh = await connectWarehouse(await own.config());
    onTestFinished(async () => {
      await wh.close();
      await own.cleanup();
    });
    await wh.migrate();
    const t0 = 1_763_769_600_000;
    const w = (campaignId: string, minute: number, over: Partial<RoasWindowRow> = {}): RoasWindowRow => ({
      campaignId,
      windowStartMs: t0 + minute * 60_000,
      windowEndMs: t0 + (minute + 1) * 60_000,
      impressions: 100,
      clicks: 3,
      conversions: 1,
      spendMicros: 250_000,
      revenueMicros: 1_000_000,
      roas: 4,
      observedCtr: 0.03,
      predictedCtr: 0.025,
      revision: 0,
      complete: false,
      completeThroughMs: t0 + (minute + 1) * 60_000,
      emittedAtMs: t0 + (minute + 2) * 60_000,
      generation: 0,
      lateDropped: 0,
      clickThroughConversions: 1,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 1_000_000,
      viewThroughRevenueMicros: 0,
      ...over,
    });
    const [a, b] = [`gen-a-${hex(3)}`, `gen-b-${hex(3)}`];
    const shown = async (campaignId: string) =>
      (await wh.roasWindows({ campaignId })).map((r) => [r.windowStartMs, r.generation, r.revision, r.impressions]);
    // Generation 0 (the live one): two campaigns, two windows each, restated; complete through minute 2.
    await wh.loadRoasWindows([w(a, 0), w(a, 1), w(b, 0), w(b, 1)]);
    await wh.loadRoasWindows([w(a, 0, { revision: 1, impressions: 90 }), w(b, 1, { revision: 1, impressions: 95 })]);
    // Generation 1 (the rebuild) with different numbers, reaching campaign a's progress, not b's.
    await wh.loadRoasWindows([
      w(a, 0, { generation: 1, impressions: 111 }),
      w(a, 1, { generation: 1, impressions: 112 }),
      w(b, 0, { generation: 1, impressions: 121 }),
    ]);
    expect(await shown(a)).toEqual([
      [t0 + 60_000, 0, 0, 100],
      [t0, 0, 1, 90],
    ]);
    let gens = await wh.roasGenerations();
    expect(gens.map((g) => [g.generation, g.current, g.caughtUpCampaigns, g.currentCampaigns])).toEqual([
      [0, true, 2, 2],
      [1, false, 1, 2],
    ]);
    // Its rows are kept, not shown.
    expect((await wh.roasWindows({ campaignId: b, generation: 1 })).map((r) => r.impressions)).toEqual([121]);
    // A restatement of generation 0 still lands while it is current; a lower revision never does.
    await wh.loadRoasWindows([w(b, 0, { revision: 2, impressions: 97 }), w(a, 0, { revision: 0, impressions: 1 })]);
    expect(await shown(b)).toEqual([
      [t0 + 60_000, 0, 1, 95],
      [t0, 0, 2, 97],
    ]);
    // Generation 1 reaches b's progress too: it becomes current, every window its own.
    await wh.loadRoasWindows([w(b, 1, { generation: 1, impressions: 122 })]);
    expect(await shown(a)).toEqual([
      [t0 + 60_000, 1, 0, 112],
      [t0, 1, 0, 111],
    ]);
    expect(await shown(b)).toEqual([
      [t0 + 60_000, 1, 0, 122],
      [t0, 1, 0, 121],
    ]);
    // The switch is final: generation 0 going on (further ahead) changes nothing shown.
    await wh.loadRoasWindows([w(a, 5, { completeThroughMs: t0 + 600_000 })]);
    expect((await shown(a))[0]).toEqual([t0 + 60_000, 1, 0, 112]);
    gens = await wh.roasGenerations();
    expect(gens.find((g) => g.generation === 1)?.current).toBe(true);
    expect(gens.find((g) => g.generation === 0)?.current).toBe(false);
    // Since: windows starting at or after the time.
    expect((await wh.roasWindows({ campaignId: a, sinceMs: t0 + 30_000 })).map((r) => r.windowStartMs)).toEqual([
      t0 + 60_000,
    ]);
  });

  it(`a rebuild of a quiet pipeline becomes current once it has made final every window the current one has`, async () => {
    // Found from a user's seat: without traffic, windows go final on the idle policy's ticks and
    // each process's tick overshoots a window's end by its own part of a second, so `adtrace roas
    // rebuild` never finished (121 of 198 campaigns "caught up" on completeThroughMs, flapping).
    const own = make();
    const wh = await connectWarehouse(await own.config());
    onTestFinished(async () => {
      await wh.close();
      await own.cleanup();
    });
    await wh.migrate();
    const t0 = 1_763_769_600_000;
    const w = (campaignId: string, generation: number, over: Partial<RoasWindowRow>): RoasWindowRow => ({
      campaignId,
      windowStartMs: t0,
      windowEndMs: t0 + 60_000,
      impressions: 10,
      clicks: 0,
      conversions: 0,
      spendMicros: 20_000,
      revenueMicros: 0,
      roas: 0,
      observedCtr: 0,
      predictedCtr: 0.02,
      revision: 0,
      complete: true,
      completeThroughMs: t0 + 60_000,
      emittedAtMs: t0 + 180_000,
      generation,
      lateDropped: 0,
      clickThroughConversions: 0,
      viewThroughConversions: 0,
      clickThroughRevenueMicros: 0,
      viewThroughRevenueMicros: 0,
      ...over,
    });
    const [a, b] = [`quiet-a-${hex(3)}`, `quiet-b-${hex(3)}`];
    const later = { windowStartMs: t0 + 60_000, windowEndMs: t0 + 120_000 };
    // Generation 0: a's window final (closed by a tick 400 ms past its end), b's second window still open.
    await wh.loadRoasWindows([
      w(a, 0, { revision: 0, complete: false, completeThroughMs: t0 + 30_000 }),
      w(a, 0, { revision: 1, completeThroughMs: t0 + 60_400 }),
      w(b, 0, { completeThroughMs: t0 + 60_400 }),
      w(b, 0, { ...later, complete: false, impressions: 3, completeThroughMs: t0 + 90_000 }),
    ]);
    // Generation 1 makes the same windows final, its ticks 100 ms past the ends.
    await wh.loadRoasWindows([
      w(a, 1, { completeThroughMs: t0 + 60_100 }),
      w(b, 1, { completeThroughMs: t0 + 60_100 }),
    ]);
    const caughtUp = async () =>
      (await wh.roasGenerations()).map((g) => [g.generation, g.current, g.caughtUpCampaigns, g.currentCampaigns]);
    expect(await caughtUp()).toEqual([
      [0, true, 2, 2],
      [1, false, 1, 2], // a: every window final in both; b: generation 0 has an open window past
    ]);
    // Generation 0 closes b's second window on a tick; generation 1 on its own, 300 ms earlier.
    await wh.loadRoasWindows([w(b, 0, { ...later, impressions: 3, revision: 1, completeThroughMs: t0 + 120_500 })]);
    await wh.loadRoasWindows([w(b, 1, { ...later, impressions: 3, completeThroughMs: t0 + 120_200 })]);
    expect(await caughtUp()).toEqual([
      [0, false, 2, 2],
      [1, true, 2, 2],
    ]);
    expect((await wh.roasWindows({ campaignId: b })).map((r) => [r.generation, r.impressions, r.complete])).toEqual([
      [1, 3, true],
      [1, 10, true],
    ]);
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

  it(`campaign totals: spend and revenue per campaign from attributed events since a time, most spend first`, async () => {
    // Campaign ids of this test only: the table is shared with the other tests of the file.
    const [a, b, c] = [`cmp-a-${hex(3)}`, `cmp-b-${hex(3)}`, `cmp-c-${hex(3)}`];
    const at = 2_000_000_000_000; // after every other test's events
    const event = (campaignId: string, kind: string, costMicros: number, valueMicros: number, eventTimeMs: number) => ({
      eventId: `${kind}-${hex(6)}`,
      kind,
      originalEventId: `evt-${hex(4)}`,
      campaignId,
      adId: 'ad-1',
      touch: kind === 'conversion' ? 'click' : 'none',
      costMicros,
      valueMicros,
      pctr: 0.01,
      eventTimeMs,
      attributedAtMs: eventTimeMs + 100,
      traceId: null,
      impressionId: null,
      touchEventId: null,
      touchTimeMs: null,
      originalCurrency: 'USD',
      originalValueMicros: valueMicros,
      modelVersion: null,
    });
    await wh.loadAttributedEvents([
      event(a, 'impression', 2_000, 0, at),
      event(a, 'impression', 3_000, 0, at + 1_000),
      event(a, 'click', 500, 0, at + 2_000), // CPC: a click's cost is spend too
      event(a, 'conversion', 0, 11_000, at + 3_000),
      event(b, 'impression', 9_000, 0, at + 500),
      // A conversion's value on an impression row would not be revenue (aggregation's rule).
      event(b, 'impression', 1_000, 777, at + 600),
      event(c, 'impression', 50_000, 0, at - 1), // before the period
    ]);
    expect(await wh.campaignTotals({ sinceMs: at })).toEqual([
      { campaignId: b, impressions: 2, clicks: 0, conversions: 0, spendMicros: 10_000, revenueMicros: 0 },
      { campaignId: a, impressions: 2, clicks: 1, conversions: 1, spendMicros: 5_500, revenueMicros: 11_000 },
    ]);
    expect(await wh.campaignTotals({ sinceMs: at, limit: 1 })).toEqual([expect.objectContaining({ campaignId: b })]);
    expect((await wh.campaignTotals({ sinceMs: at - 1 }))[0]).toMatchObject({ campaignId: c, spendMicros: 50_000 });
    expect(queries.find((q) => q.query === 'campaign_totals')?.bytesScanned).toBeGreaterThan(0);
  });

  it(`impressions load once, trace id as hex, and read back with plain SQL by campaign and time`, async () => {
    const imp = {
      impressionId: `evt-${hex(4)}.1`,
      eventId: 'evt-imp',
      requestId: 'req-1',
      impId: '1',
      userKey: 'uk-1',
      campaignId: 'cmp-imp',
      adId: 'ad-1',
      creativeId: 'cr-1',
      bidType: 'cpm',
      priceMicros: 2_500,
      clickPriceMicros: 0,
      pctr: 0.02,
      modelVersion: 'ctr-v1',
      eventTimeMs: 1_763_769_600_123,
      traceId: hex(16),
    };
    const other = {
      ...imp,
      impressionId: `${imp.impressionId}x`,
      userKey: null,
      eventTimeMs: imp.eventTimeMs + 60_000,
    };
    expect((await wh.loadImpressions([imp, imp, other])).inserted).toBe(2);
    expect((await wh.loadImpressions([imp])).inserted).toBe(0);
    const rows = await wh.sql(
      `SELECT impression_id, user_key, trace_id, price_micros FROM impressions
       WHERE campaign_id = $1 AND event_time >= CAST($2 AS TIMESTAMP) ORDER BY event_time`,
      ['cmp-imp', '2025-11-22 00:00:00'],
    );
    expect(rows.map((r) => [r.impression_id, r.user_key, r.trace_id, Number(r.price_micros)])).toEqual([
      [imp.impressionId, 'uk-1', imp.traceId, 2_500],
      [other.impressionId, null, imp.traceId, 2_500],
    ]);
  });

  it(`auction outcomes: the no-fill rate by reason`, async () => {
    const base = auctionOutcome({
      eventId: 'evt-nf',
      requestId: 'req-nf',
      userKey: 'uk-2',
      candidates: null,
      noFillCode: null,
      decidedAtMs: 1_900_000_000_000,
      traceId: hex(16),
    });
    const win = {
      ...base,
      outcome: 'win',
      campaignId: 'cmp-1',
      adId: 'ad-1',
      bidMicros: 3_000_000,
      noFillReason: null,
    };
    const noFill = (reason: string) => ({ ...base, outcome: 'no_fill', noFillReason: reason });
    const rows = [
      ...[win, win, win, win, win].map((r, i) => ({ ...r, eventId: `evt-w${i}`, impId: '1' })),
      ...['BELOW_FLOOR', 'BELOW_FLOOR', 'FREQUENCY_CAPPED'].map((reason, i) => ({
        ...noFill(reason),
        eventId: `evt-n${i}`,
        impId: '1',
      })),
    ];
    expect((await wh.loadAuctionOutcomes([...rows, rows[0]!])).inserted).toBe(8);
    // An older outcome, outside the range asked for.
    await wh.loadAuctionOutcomes([{ ...noFill('TIMEOUT'), eventId: 'evt-old', impId: '1', decidedAtMs: 1_000 }]);
    expect(await wh.noFillReport({ sinceMs: 1_899_999_999_000 })).toEqual({
      outcomes: 8,
      wins: 5,
      noFills: 3,
      noFillRate: 3 / 8,
      reasons: [
        { reason: 'BELOW_FLOOR', count: 2, rate: 2 / 8 },
        { reason: 'FREQUENCY_CAPPED', count: 1, rate: 1 / 8 },
      ],
    });
    expect((await wh.noFillReport()).outcomes).toBe(9);
    // One run's requests: only the outcomes of the traces given, one per imp.
    const own = hex(16);
    const other = hex(16);
    await wh.loadAuctionOutcomes([
      { ...win, eventId: 'evt-t1', impId: '1', traceId: own },
      { ...noFill('TIMEOUT'), eventId: 'evt-t1', impId: '2', traceId: own },
      { ...noFill('TIMEOUT'), eventId: 'evt-t2', impId: '1', traceId: other },
    ]);
    expect(await wh.noFillReport({ traceIds: [own, hex(16)] })).toEqual({
      outcomes: 2,
      wins: 1,
      noFills: 1,
      noFillRate: 0.5,
      reasons: [{ reason: 'TIMEOUT', count: 1, rate: 0.5 }],
    });
    expect((await wh.noFillReport({ traceIds: [] })).outcomes).toBe(0);
    await expect(wh.noFillReport({ traceIds: ['not-hex'] })).rejects.toThrow(/32 lower-case hex/);
  });

  it(`alerts and late events load once`, async () => {
    const alert = {
      alertId: `al-${hex(4)}`,
      kind: 'CALIBRATION_DRIFT',
      severity: 'WARNING',
      source: 'aggregation',
      campaignId: null,
      segmentId: null,
      value: 1.4,
      threshold: 1.2,
      message: 'model ctr-v1 over-predicts',
      attributesJson: JSON.stringify({ modelVersion: 'ctr-v1' }),
      eventTimeMs: 1_763_769_600_000,
      traceId: null,
    };
    expect((await wh.loadAlerts([alert, alert])).inserted).toBe(1);
    const late = {
      latePartition: 0,
      lateOffset: '12',
      originalTopic: 'adtrace.attributed-events',
      originalPartition: 3,
      originalOffset: '9007199254740993',
      streamTimeMs: 1_763_770_000_000,
      eventId: 'conv-late',
      kind: 'conversion',
      campaignId: 'cmp-late',
      impressionId: 'evt-1.1',
      costMicros: 0,
      valueMicros: 5_000_000,
      eventTimeMs: 1_763_769_600_000,
      traceId: hex(16),
      sentAtMs: 1_763_770_000_100,
    };
    expect((await wh.loadLateEvents([late, late, { ...late, lateOffset: '13' }])).inserted).toBe(2);
    const rows = await wh.sql(
      `SELECT a.kind, l.original_offset, l.value_micros FROM alerts a, late_events l
       WHERE a.alert_id = $1 AND l.campaign_id = 'cmp-late' ORDER BY l.late_offset`,
      [alert.alertId],
    );
    expect(rows.map((r) => [r.kind, String(r.original_offset), Number(r.value_micros)])).toEqual([
      ['CALIBRATION_DRIFT', '9007199254740993', 5_000_000],
      ['CALIBRATION_DRIFT', '9007199254740993', 5_000_000],
    ]);
  });

  it(`campaigns keep the latest version per id; an older one never wins; a tombstone marks it deleted`, async () => {
    const v = (updatedAtMs: number, name: string) => ({
      campaignId: 'cmp-dim',
      name,
      advertiserId: 'adv-1',
      active: true,
      startMs: null,
      endMs: null,
      budgetTotalMicros: 100_000_000,
      budgetDailyMicros: null,
      currency: 'USD',
      ads: 2,
      updatedAtMs,
      deleted: false,
    });
    const name = async () =>
      (await wh.sql(`SELECT name, deleted FROM campaigns WHERE campaign_id = 'cmp-dim'`)).map((r) => [
        r.name,
        Boolean(r.deleted),
      ]);
    await wh.loadCampaigns([v(2_000, 'second'), v(1_000, 'first'), v(3_000, 'third')]);
    expect(await name()).toEqual([['third', false]]);
    await wh.loadCampaigns([v(2_500, 'stale replay')]);
    expect(await name()).toEqual([['third', false]]);
    const tombstone = { ...v(4_000, ''), name: null, advertiserId: null, active: false, ads: 0, deleted: true };
    await wh.loadCampaigns([tombstone]);
    expect(await name()).toEqual([['third', true]]);
  });

  it(`dead letters keep bytes and headers, newest first, the raw topics' apart and listed with them`, async () => {
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
    // A raw topic's dead letter at the same place of its own topic: a row of its own, listed with them.
    const raw = { ...older, key: null, value: Buffer.from('{"id":"r1"}'), deadLetteredAtMs: 1_763_769_601_500 };
    expect((await wh.loadRawDeadLetters([raw, raw])).inserted).toBe(1);
    const both = await wh.deadLetters({ limit: 10 });
    expect(both.map((r) => [r.dlqOffset, r.raw === true])).toEqual([
      ['3', false],
      ['7', true],
      ['7', false],
    ]);
    expect(both[1]!.value).toEqual(raw.value);
    expect((await wh.deadLetters({ limit: 2 })).map((r) => r.deadLetteredAtMs)).toEqual([
      1_763_769_602_000, 1_763_769_601_500,
    ]);
  });

  it(`a recreated topic's dead letter at a place an older one held is loaded beside it, once`, async () => {
    const letter = (deadLetteredAtMs: number | null, reason: string) => ({
      dlqPartition: 4,
      dlqOffset: '0',
      originalTopic: 'adtrace.bid-requests',
      originalPartition: 4,
      originalOffset: '12',
      originalTimestampMs: 1_763_769_500_000,
      deadLetteredAtMs,
      reason,
      code: 'SCHEMA',
      errorClass: 'DecodeError',
      stage: 'profiling',
      eventId: null,
      traceparent: null,
      key: null,
      value: Buffer.from([1]),
      headersJson: '{}',
    });
    const before = letter(1_763_769_600_000, 'the letter before the topic was recreated');
    const after = letter(1_763_773_200_000, 'the letter after');
    const timeless = letter(null, 'a letter with no time');
    expect((await wh.loadDeadLetters([before])).inserted).toBe(1);
    expect((await wh.loadDeadLetters([after, before, timeless])).inserted).toBe(2);
    expect((await wh.loadDeadLetters([after, timeless])).inserted).toBe(0);
    const atPlace = (await wh.deadLetters({ limit: 50 })).filter((r) => r.dlqPartition === 4 && r.dlqOffset === '0');
    expect(atPlace.map((r) => r.reason)).toEqual([after.reason, before.reason, timeless.reason]);
    expect((await wh.loadRawDeadLetters([before, after, after])).inserted).toBe(2);
  });

  it(`finds a request refused before ingest read its id by its raw dead letter, and only by its own id`, async () => {
    const requestId = `req-"rejected"-${hex(4)}`;
    const [refused, replayed, other] = [hex(16), hex(16), hex(16)];
    const letter = (offset: number, traceId: string, value: object | string | null) => ({
      dlqPartition: 2,
      dlqOffset: String(offset),
      originalTopic: 'adtrace.bid-requests.raw',
      originalPartition: 0,
      originalOffset: String(offset),
      originalTimestampMs: 1_763_769_600_000,
      deadLetteredAtMs: 1_763_769_600_000 + offset,
      reason: 'imp: must have at least 1 item',
      code: 'INVALID_OPENRTB',
      errorClass: 'RejectedError',
      stage: 'ingest',
      eventId: null,
      traceparent: `00-${traceId}-${hex(8)}-01`,
      key: null,
      value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
      headersJson: '{}',
    });
    await wh.loadRawDeadLetters([
      letter(900, refused, { id: requestId, imp: [] }),
      // Its imp's id, not its own; an unreadable letter; another request.
      letter(901, other, { id: 'req-x', imp: [{ id: requestId }] }),
      letter(902, other, `{"id":${JSON.stringify(requestId)}`),
      letter(903, other, null),
    ]);
    // Replayed once its rule was fixed, the same request went through: ingest's span, another trace.
    await wh.loadSpans([
      span({
        traceId: replayed,
        service: 'ingest',
        name: 'ads.serve',
        attributesJson: JSON.stringify({ 'openrtb.request_id': requestId }),
      }),
    ]);
    expect(await wh.traceIdsForRequest(requestId)).toEqual([replayed, refused]);
    expect(await wh.traceIdsForRequest('req-x')).toEqual([other]);
    expect(queries.findLast((q) => q.query === 'trace_ids_for_rejected_request')?.bytesScanned).toBeGreaterThan(0);
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
