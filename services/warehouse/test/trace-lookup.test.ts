import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { backends, eventually, getJson, startTestService } from './support.ts';

// `adtrace trace <id>` finds an event by what upstream knows: the OpenRTB request id ingest puts
// on its ads.serve span, as well as the event id and the trace id, on both warehouses.
const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const T0 = 1_795_305_984_000_000_000n;
const MS = 1_000_000n;

/** ingest's ads.serve span carrying the request id, with auction's span below it. */
function event(requestId: string, eventId: string, startMs: bigint) {
  const traceId = hex(16);
  const serve = hex(8);
  const start = T0 + startMs * MS;
  const ingest: SpanInput = {
    traceId,
    spanId: serve,
    name: 'ads.serve',
    kind: 1,
    startTimeUnixNano: start,
    endTimeUnixNano: start + 2n * MS,
    attributes: { 'adtrace.event_id': eventId, 'openrtb.request_id': requestId, 'ads.placement': 'news.example' },
  };
  const auction: SpanInput = {
    traceId,
    spanId: hex(8),
    parentSpanId: serve,
    name: 'ads.auction',
    kind: 1,
    startTimeUnixNano: start + 3n * MS,
    endTimeUnixNano: start + 4n * MS,
    attributes: { 'adtrace.event_id': eventId },
  };
  return { traceId, eventId, requestId, ingest, auction };
}

describe.each(backends)('trace lookup by request id on $name', ({ make }) => {
  const backend = make();
  let service: WarehouseService;
  // Request ids as exchanges make them: a UUID, 32 hex digits (looks like a trace id), and one id
  // two exchanges both used.
  const uuid = event(crypto.randomUUID(), `evt-${hex(4)}`, 0n);
  const hexId = event(hex(16), `evt-${hex(4)}`, 10n);
  const shared = `req-${hex(4)}`;
  const sharedFirst = event(shared, `evt-${hex(4)}`, 20n);
  const sharedLater = event(shared, `evt-${hex(4)}`, 30n);
  const all = [uuid, hexId, sharedFirst, sharedLater];
  const cli = (...args: string[]) =>
    run(process.execPath, [join(root, 'packages/cli/src/main.ts'), 'trace', ...args], {
      env: { ...process.env, ADTRACE_WAREHOUSE_API: `http://127.0.0.1:${service.apiPort}` },
      timeout: 30_000,
    });

  beforeAll(async () => {
    service = await startTestService(backend);
    const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
    await client.export(
      encodeExportRequest([
        { attributes: { 'service.name': 'ingest' }, spans: all.map((e) => e.ingest) },
        { attributes: { 'service.name': 'auction' }, spans: all.map((e) => e.auction) },
      ]),
    );
    client.close();
    await eventually(async () => {
      const { status } = await getJson(service.apiPort, `/api/traces/${sharedLater.traceId}`);
      return status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await service?.stop();
    await backend.cleanup();
  });

  it('GET /api/traces/<request id> is the trace ingest tagged with it, found by requestId', async () => {
    const { status, body } = await getJson(service.apiPort, `/api/traces/${uuid.requestId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ traceId: uuid.traceId, eventId: uuid.eventId, requestId: uuid.requestId });
    expect(body.foundBy).toBe('requestId');
    expect(body.spans.map((s: { name: string }) => s.name)).toEqual(['ads.serve', 'ads.auction']);
  });

  it('a request id of 32 hex digits is tried as a trace id, then found as a request id', async () => {
    const { status, body } = await getJson(service.apiPort, `/api/traces/${hexId.requestId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ traceId: hexId.traceId, foundBy: 'requestId' });
  });

  it('the event id and the trace id still find the same trace, and name the request id', async () => {
    const byEvent = await getJson(service.apiPort, `/api/traces/${uuid.eventId}`);
    const byTrace = await getJson(service.apiPort, `/api/traces/${uuid.traceId}`);
    expect(byEvent.body).toMatchObject({ traceId: uuid.traceId, foundBy: 'eventId', requestId: uuid.requestId });
    expect(byTrace.body).toMatchObject({ traceId: uuid.traceId, foundBy: 'traceId', requestId: uuid.requestId });
  });

  it('one request id in two traces: the earliest drawn, the later one named', async () => {
    const { body } = await getJson(service.apiPort, `/api/traces/${shared}`);
    expect(body).toMatchObject({ traceId: sharedFirst.traceId, otherTraceIds: [sharedLater.traceId] });
  });

  it('?requestId= looks only by request id; an unknown id is a 404 that says what was tried', async () => {
    expect((await getJson(service.apiPort, `/api/traces?requestId=${uuid.eventId}`)).status).toBe(404);
    expect((await getJson(service.apiPort, `/api/traces?requestId=${uuid.requestId}`)).body.traceId).toBe(uuid.traceId);
    const missing = await getJson(service.apiPort, '/api/traces/req-that-never-was');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatch(/OpenRTB request id/);
  });

  it('adtrace trace <request id> draws the waterfall; --json is the API body; unknown exits 3', async () => {
    const text = await cli(uuid.requestId);
    expect(text.stdout).toContain(`trace ${uuid.traceId}  event ${uuid.eventId}  request ${uuid.requestId}`);
    const json = JSON.parse((await cli('--json', uuid.requestId)).stdout);
    expect(json).toMatchObject({ traceId: uuid.traceId, foundBy: 'requestId' });
    const err = await cli('req-that-never-was').catch((e) => e);
    expect(err.code).toBe(3);
    expect(err.stderr).toMatch(/no trace for req-that-never-was/);
  });
});
