import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { duckdbBackend, eventually, startTestService } from './support.ts';

// The service deletes spans older than WAREHOUSE_SPAN_RETENTION_HOURS, when it starts and then
// on a timer; 0 keeps them. Spans arrive after the start here, so the timer's turn deletes them.
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const HOUR_NS = 3_600_000_000_000n;

function spanAt(traceId: string, agoNs: bigint): SpanInput {
  const start = BigInt(Date.now()) * 1_000_000n - agoNs;
  return {
    traceId,
    spanId: hex(8),
    name: 'ads.auction',
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 1_000_000n,
    attributes: { 'adtrace.event_id': `evt-${traceId.slice(0, 8)}` },
  };
}

async function exportSpans(service: WarehouseService, spans: SpanInput[]): Promise<void> {
  const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
  await client.export(encodeExportRequest([{ attributes: { 'service.name': 'auction' }, spans }]));
  client.close();
}

describe('span retention', () => {
  const backends = [duckdbBackend(), duckdbBackend()];
  const services: WarehouseService[] = [];
  afterAll(async () => {
    for (const s of services) await s.stop();
    for (const b of backends) await b.cleanup();
  });

  it('deletes the spans older than the retention, and keeps the others', async () => {
    const lines: string[] = [];
    const service = await startTestService(
      backends[0]!,
      { spanRetention: { hours: 1, everyMs: 200 } },
      { log: (_level, message) => lines.push(message) },
    );
    services.push(service);
    const [old, recent] = [hex(16), hex(16)];
    await exportSpans(service, [spanAt(old, 2n * HOUR_NS), spanAt(old, 3n * HOUR_NS), spanAt(recent, HOUR_NS / 2n)]);
    await eventually(async () => ((await service.warehouse.traceSpans(old)).length === 0 ? true : undefined));
    expect(await service.warehouse.traceSpans(recent)).toHaveLength(1);
    expect(lines.some((l) => /^deleted 2 spans that started before /.test(l))).toBe(true);
  });

  it('keeps every span at 0 hours', async () => {
    const service = await startTestService(backends[1]!, { spanRetention: { hours: 0, everyMs: 50 } });
    services.push(service);
    const old = hex(16);
    await exportSpans(service, [spanAt(old, 10_000n * HOUR_NS)]);
    await eventually(async () => ((await service.warehouse.traceSpans(old)).length === 1 ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(await service.warehouse.traceSpans(old)).toHaveLength(1);
  });
});
