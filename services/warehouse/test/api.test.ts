import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { duckdbBackend, getJson, startTestService } from './support.ts';

const root = join(import.meta.dirname, '../../..');
const run = promisify(execFile);
const cli = (port: number, ...args: string[]) =>
  run(process.execPath, [join(root, 'packages/cli/src/main.ts'), ...args], {
    env: { ...process.env, ADTRACE_WAREHOUSE_API: `http://127.0.0.1:${port}` },
    timeout: 30_000,
  });

const T0 = 1_795_305_984_000_000_000n;
const ms = 1_000_000n;

/** One event: ingest's process span (10 ms, cost 1 µ$) → auction's (auctionMs, cost 3 µ$). */
function event(i: number, auctionMs: number): { ingest: SpanInput[]; auction: SpanInput[] } {
  const traceId = `${String(i).padStart(4, '0')}${'ab'.repeat(14)}`;
  const a = `${String(i).padStart(4, '0')}aaaaaaaaaaaa`;
  const b = `${String(i).padStart(4, '0')}bbbbbbbbbbbb`;
  const start = T0 + BigInt(i) * 1000n * ms;
  const attrs = (usd: number) => ({
    'adtrace.event_id': `evt-api-${i}`,
    'adtrace.cost.usd': usd,
    'adtrace.cost.compute_usd': usd,
  });
  return {
    ingest: [
      {
        traceId,
        spanId: a,
        name: 'process raw',
        kind: 5,
        startTimeUnixNano: start,
        endTimeUnixNano: start + 10n * ms,
        attributes: attrs(1e-6),
      },
    ],
    auction: [
      {
        traceId,
        spanId: b,
        parentSpanId: a,
        name: 'process profiled',
        kind: 5,
        startTimeUnixNano: start + 20n * ms,
        endTimeUnixNano: start + (20n + BigInt(auctionMs)) * ms,
        attributes: attrs(3e-6),
      },
    ],
  };
}

describe('the query API and the CLI views over it', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;

  beforeAll(async () => {
    service = await startTestService(backend);
    const events = [event(1, 4), event(2, 8), event(3, 12)];
    const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
    await client.export(
      encodeExportRequest([
        { attributes: { 'service.name': 'ingest' }, spans: events.flatMap((e) => e.ingest) },
        { attributes: { 'service.name': 'auction' }, spans: events.flatMap((e) => e.auction) },
      ]),
    );
    client.close();
  });
  afterAll(async () => {
    await service?.stop();
    await backend.cleanup();
  });

  it('GET /api/cost: latency and cost share per stage, per event and per 1,000 events', async () => {
    const { status, body } = await getJson(service.apiPort, '/api/cost');
    expect(status).toBe(200);
    expect(body.events).toBe(3);
    const auction = body.stages.find((s: { stage: string }) => s.stage === 'auction');
    expect(auction).toMatchObject({ events: 3, latencyP50Ms: 8 });
    expect(auction.costPerEventUsd).toBeCloseTo(3e-6, 15);
    expect(auction.costPer1000EventsUsd).toBeCloseTo(3e-3, 12);
    expect(auction.costShare).toBeCloseTo(0.75, 9);
    expect(body.costPerEventUsd).toBeCloseTo(4e-6, 15);
  });

  it('adtrace cost --json is the API report; adtrace cost prints a table', async () => {
    const printed = JSON.parse((await cli(service.apiPort, 'cost', '--json')).stdout);
    expect(printed).toEqual((await getJson(service.apiPort, '/api/cost')).body);
    const { stdout } = await cli(service.apiPort, 'cost');
    expect(stdout).toMatch(/3 events/);
    expect(stdout).toMatch(/auction\s+3\s+8\.00ms/);
    expect(stdout).toMatch(/75\.0%/);
  });

  it('adtrace dlq list --json and adtrace roas --json answer even when empty', async () => {
    expect(JSON.parse((await cli(service.apiPort, 'dlq', 'list', '--json')).stdout)).toEqual({ deadLetters: [] });
    expect(JSON.parse((await cli(service.apiPort, 'roas', '--json')).stdout)).toEqual({ windows: [] });
    expect((await cli(service.apiPort, 'dlq', 'list')).stdout).toMatch(/no dead letters/);
  });

  it('a bad parameter is a 400, an unknown endpoint a 404', async () => {
    expect((await getJson(service.apiPort, '/api/cost?by=planet')).status).toBe(400);
    expect((await getJson(service.apiPort, '/api/roas?limit=-3')).status).toBe(400);
    expect((await getJson(service.apiPort, '/api/nothing-here')).status).toBe(404);
  });

  it('no-fills have one source: GET /api/no-fill (auction_outcomes), with a trace filter; /api/no-fills is gone', async () => {
    const { status, body } = await getJson(service.apiPort, '/api/no-fill');
    expect(status).toBe(200);
    expect(body).toEqual({ outcomes: 0, wins: 0, noFills: 0, noFillRate: 0, reasons: [] });
    expect((await getJson(service.apiPort, `/api/no-fill?traceIds=${'a'.repeat(32)}`)).status).toBe(200);
    expect((await getJson(service.apiPort, '/api/no-fill?traceIds=nope')).status).toBe(400);
    expect((await getJson(service.apiPort, '/api/no-fill?sinceMs=x')).status).toBe(400);
    expect((await getJson(service.apiPort, '/api/no-fills')).status).toBe(404);
  });

  it('serves the web view: / leads to /ui/, its files with a same-origin-only policy, nothing else', async () => {
    const get = (path: string) =>
      fetch(`http://127.0.0.1:${service.apiPort}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const root = await get('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
    const page = await get('/ui/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*connect-src 'self'/);
    const html = await page.text();
    for (const src of html.match(/(?:src|href)="[^"#]+"/g) ?? []) expect(src).not.toMatch(/\/\/|^(src|href)="\//);
    expect((await get('/ui/app.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await get('/ui/draw.js')).status).toBe(200);
    for (const path of [
      '/ui/../package.json',
      '/ui/%2e%2e/package.json',
      '/ui/nope.js',
      '/ui/app.js/x',
      '/package.json',
    ])
      expect((await get(path)).status, path).toBe(404);
  });

  it('the CLI says how to start the service when it is not running', async () => {
    const err = await cli(1, 'cost').catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/adtrace up warehouse/);
  });
});
