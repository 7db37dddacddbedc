import { randomBytes } from 'node:crypto';
import {
  CostAttributes,
  flushTelemetry,
  readEnv,
  SpanAttributes,
  type TelemetryHandle,
  toConfig,
} from '@adtrace/telemetry';
import { startTelemetry } from '@adtrace/telemetry/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { type Backend, eventually, getJson, startTestService } from './support.ts';

// The list price (packages/telemetry README "Prices"), written out rather than read from the code under test.
const STORAGE_WRITE_GIB_USD = 0.025;
const EVENTS = 20;

/**
 * The warehouse with its own telemetry in-process, exporting to itself: loading the pipeline's
 * spans makes a `warehouse.load spans` span priced at the storage-write list price for the bytes
 * it wrote, and `adtrace cost` (the API behind it) charges that to the stage whose spans were
 * stored and scales it by the sampling ratio in the per-day projection. One backend per file: the
 * OpenTelemetry SDK is global to a process.
 */
export function storageCostSuite(make: () => Backend): void {
  describe(`storing traces costs what it writes (${make.name})`, () => {
    const backend = make();
    let service: WarehouseService;
    let telemetry: TelemetryHandle;

    beforeAll(async () => {
      service = await startTestService(backend);
      telemetry = startTelemetry(
        toConfig({
          ...readEnv({}),
          OTEL_SERVICE_NAME: 'warehouse',
          ADTRACE_SERVICE_VERSION: '1',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${service.otlpPort}`,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_METRICS_EXPORTER: 'none',
        }),
      );
      // The pipeline's spans, as an exporter sends them: one event per trace, 1 µ$ each.
      const start = BigInt(Date.now()) * 1_000_000n;
      const spans: SpanInput[] = Array.from({ length: EVENTS }, (_, i) => ({
        traceId: randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        name: 'process adtrace.bid-requests.raw',
        kind: 5,
        startTimeUnixNano: start + BigInt(i) * 1_000_000n,
        endTimeUnixNano: start + BigInt(i) * 1_000_000n + 2_000_000n,
        attributes: { 'adtrace.event_id': `evt-store-${i}`, 'adtrace.cost.usd': 1e-6, padding: 'x'.repeat(400) },
      }));
      const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
      await client.export(encodeExportRequest([{ attributes: { 'service.name': 'ingest' }, spans }]));
      client.close();
    });
    afterAll(async () => {
      await telemetry?.shutdown();
      await service?.stop();
      await backend.cleanup();
    });

    it('the load span carries the bytes it wrote, priced at the storage-write list price', async () => {
      const load = await eventually(
        async () => {
          await flushTelemetry();
          const rows = await service.warehouse.sql(
            `SELECT storage_usd, cost_usd, CAST(attributes AS VARCHAR) AS attributes FROM spans_hex
             WHERE name = 'warehouse.load spans' AND service = 'warehouse'`,
          );
          const mine = rows.map((r) => ({
            storage_usd: Number(r.storage_usd),
            cost_usd: Number(r.cost_usd),
            // biome-ignore lint/suspicious/noExplicitAny: span attributes of several types
            attributes: JSON.parse(String(r.attributes)) as Record<string, any>,
          }));
          return mine.find((r) => r.attributes['adtrace.load.rows_inserted'] === EVENTS);
        },
        60_000,
        'the load span of the pipeline spans',
      );
      const bytes = load.attributes[SpanAttributes.storageBytesWritten];
      // 20 rows, each with a 400-character attribute in its JSON: more than 20 × 400 bytes.
      expect(bytes).toBeGreaterThan(EVENTS * 400);
      expect(bytes).toBeLessThan(EVENTS * 2_000);
      expect(Number(load.storage_usd)).toBeCloseTo((bytes / 1024 ** 3) * STORAGE_WRITE_GIB_USD, 18);
      // The span carries what it measured (the bytes); the warehouse prices it as it loads it.
      expect(load.attributes[CostAttributes.storageUsd]).toBeUndefined();
      expect(Number(load.cost_usd)).toBeGreaterThanOrEqual(Number(load.storage_usd));
    });

    it('adtrace cost charges it to the stage whose spans it stored; --per-day scales it by the sampling ratio', async () => {
      const since = Date.now() - 3_600_000;
      const { body } = await getJson(service.apiPort, `/api/cost?sinceMs=${since}&perDay=1000000000&sampleRatio=0.1`);
      expect(body.events).toBe(EVENTS);
      // Only ingest's spans were stored: storing them is ingest's cost (shared: the load is no event's).
      const ingest = body.stages.find((s: { stage: string }) => s.stage === 'ingest');
      expect(ingest.traceStorageUsd).toBeGreaterThan(0);
      expect(ingest.storageUsd).toBeGreaterThan(0);
      expect(ingest.storedUsd).toBeCloseTo(ingest.traceStorageUsd, 18);
      expect(ingest.sharedUsd).toBeCloseTo(ingest.traceStorageUsd, 18);
      expect(ingest.costUsd).toBeCloseTo(EVENTS * 1e-6 + ingest.traceStorageUsd, 15);
      // The warehouse itself stored nothing of its own here (its query spans, if any, are reading).
      const warehouse = body.stages.find((s: { stage: string }) => s.stage === 'warehouse');
      expect(warehouse?.storedUsd ?? 0).toBe(0);
      const day = Object.fromEntries(body.perDay.stages.map((s: { stage: string; usdPerDay: number }) => [s.stage, s]));
      // ingest: 1 µ$ per event × 1e9 events = $1,000 a day, traced or not; its trace storage × 10 % traced.
      const perEvent = (usd: number) => usd / EVENTS;
      expect(day.ingest.usdPerDay).toBeCloseTo(1_000 + perEvent(ingest.traceStorageUsd) * 1e9 * 0.1, 6);
      expect(body.perDay).toMatchObject({ eventsPerDay: 1e9, sampleRatio: 0.1 });
    });
  });
}
