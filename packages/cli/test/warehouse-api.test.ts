import { randomBytes } from 'node:crypto';
import { MAX_NO_FILL_TRACES, MAX_TRACE_STAGES } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRawOtlpClient,
  encodeExportRequest,
  type WarehouseService,
} from '../../../services/warehouse/src/index.ts';
import { duckdbBackend, eventually, startTestService } from '../../../services/warehouse/test/support.ts';
import { auctionOutcome } from '../../warehouse/test/fixtures.ts';
import { noFillsOf, traceStagesOf } from '../src/views/warehouse-api.ts';

// `adtrace demo` asks the warehouse about its requests' traces MAX_TRACE_STAGES at a time. As a
// URL, 500 trace ids are ~17 KB, and node:http answers 431 past 16 KiB: a demo of 500 requests
// or more failed while waiting for its traces. The CLI now POSTs the lists.
const traceId = () => randomBytes(16).toString('hex');

describe('the warehouse API, as adtrace demo asks it', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;
  const known = traceId();
  const env = process.env.ADTRACE_WAREHOUSE_API;

  beforeAll(async () => {
    service = await startTestService(backend);
    process.env.ADTRACE_WAREHOUSE_API = `http://127.0.0.1:${service.apiPort}`;
    const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
    const t0 = 1_795_305_984_000_000_000n;
    await client.export(
      encodeExportRequest([
        {
          attributes: { 'service.name': 'auction' },
          spans: [
            {
              traceId: known,
              spanId: randomBytes(8).toString('hex'),
              name: 'ads.auction',
              kind: 1,
              startTimeUnixNano: t0,
              endTimeUnixNano: t0 + 1_000_000n,
              attributes: { 'adtrace.event_id': 'evt-api', 'ads.no_fill.reason': 'NO_CANDIDATES' },
            },
          ],
        },
      ]),
    );
    client.close();
    await service.warehouse.loadAuctionOutcomes([auctionOutcome({ eventId: 'evt-api', traceId: known })]);
    await eventually(async () => ((await traceStagesOf([known]))[0]?.services.auction === 1 ? true : undefined));
  });
  afterAll(async () => {
    if (env === undefined) delete process.env.ADTRACE_WAREHOUSE_API;
    else process.env.ADTRACE_WAREHOUSE_API = env;
    await service?.stop();
    await backend.cleanup();
  });

  it('reads the stages of as many traces as one call may ask for', async () => {
    const ids = [known, ...Array.from({ length: MAX_TRACE_STAGES - 1 }, traceId)];
    const traces = await traceStagesOf(ids);
    expect(traces).toHaveLength(MAX_TRACE_STAGES);
    expect(traces.find((t) => t.traceId === known)).toMatchObject({ services: { auction: 1 }, noFills: 1 });
    expect(traces.filter((t) => Object.keys(t.services).length === 0)).toHaveLength(MAX_TRACE_STAGES - 1);
  });

  it('reads the outcomes of as many traces as one call may ask for', async () => {
    const ids = [known, ...Array.from({ length: MAX_NO_FILL_TRACES - 1 }, traceId)];
    const report = await noFillsOf(ids);
    expect(report).toMatchObject({ outcomes: 1, wins: 0, noFills: 1 });
  });
});
