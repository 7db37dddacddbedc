import { randomBytes } from 'node:crypto';
import { MAX_TRACE_STAGES } from '@adtrace/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRawOtlpClient, encodeExportRequest, type SpanInput, type WarehouseService } from '../src/index.ts';
import { backends, eventually, getJson, startTestService } from './support.ts';

// /api/trace-stages tells, per trace, which services and span names it holds (adtrace demo's
// complete traces), on both warehouses: a won request through every stage, a no-fill, and a
// request ingest dead-lettered.
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const T0 = 1_795_305_984_000_000_000n;
const MS = 1_000_000n;

function span(traceId: string, name: string, at: bigint, over: Partial<SpanInput> = {}): SpanInput {
  return {
    traceId,
    spanId: hex(8),
    name,
    kind: 1,
    startTimeUnixNano: T0 + at * MS,
    endTimeUnixNano: T0 + (at + 1n) * MS,
    attributes: { 'adtrace.event_id': `evt-${traceId.slice(0, 8)}` },
    ...over,
  };
}

describe.each(backends)('trace stages on $name', ({ make }) => {
  const backend = make();
  let service: WarehouseService;
  const won = hex(16);
  const noFill = hex(16);
  const dead = hex(16);
  const unknown = hex(16);
  const spans: Record<string, SpanInput[]> = {
    ingest: [won, noFill].map((t) => span(t, 'ads.serve', 0n)),
    auction: [
      span(won, 'ads.auction', 1n),
      span(noFill, 'ads.auction', 1n, {
        attributes: { 'adtrace.event_id': 'evt-nf', 'ads.no_fill.reason': 'NO_CANDIDATES' },
      }),
      span(noFill, 'ads.auction', 2n, {
        attributes: { 'adtrace.event_id': 'evt-nf', 'ads.no_fill.reason': 'BELOW_FLOOR' },
      }),
    ],
    delivery: [span(won, 'ads.prepare_creative', 3n)],
    tracking: [span(won, 'ads.attribute', 4n)],
    aggregation: [span(won, 'ads.aggregate.apply', 5n)],
  };
  spans.ingest!.push(
    span(dead, 'process adtrace.bid-requests.raw', 0n, { status: { code: 2, message: 'dead-lettered: IMP_MISSING' } }),
  );

  beforeAll(async () => {
    service = await startTestService(backend);
    const client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
    await client.export(
      encodeExportRequest(
        Object.entries(spans).map(([name, list]) => ({ attributes: { 'service.name': name }, spans: list })),
      ),
    );
    client.close();
    await eventually(async () => {
      const { status } = await getJson(service.apiPort, `/api/traces/${dead}`);
      return status === 200 ? true : undefined;
    });
  });
  afterAll(async () => {
    await service?.stop();
    await backend.cleanup();
  });

  it('counts spans per service and name, no-fills and dead letters, per trace asked for', async () => {
    const { status, body } = await getJson(
      service.apiPort,
      `/api/trace-stages?traceIds=${[won, noFill, dead, unknown]}`,
    );
    expect(status).toBe(200);
    const byId = Object.fromEntries((body as { traces: { traceId: string }[] }).traces.map((t) => [t.traceId, t]));
    expect(byId[won]).toEqual({
      traceId: won,
      services: { ingest: 1, auction: 1, delivery: 1, tracking: 1, aggregation: 1 },
      names: {
        'ads.serve': 1,
        'ads.auction': 1,
        'ads.prepare_creative': 1,
        'ads.attribute': 1,
        'ads.aggregate.apply': 1,
      },
      noFills: 0,
      deadLettered: 0,
    });
    expect(byId[noFill]).toMatchObject({ services: { ingest: 1, auction: 2 }, noFills: 2, deadLettered: 0 });
    expect(byId[dead]).toMatchObject({ services: { ingest: 1 }, deadLettered: 1 });
    expect(byId[unknown]).toEqual({ traceId: unknown, services: {}, names: {}, noFills: 0, deadLettered: 0 });
  });

  it('takes the same query POSTed, its trace ids a JSON list (a URL cannot carry hundreds)', async () => {
    const post = async (body: string) => {
      const res = await fetch(`http://127.0.0.1:${service.apiPort}/api/trace-stages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      return { status: res.status, body: (await res.json()) as { traces?: unknown[]; error?: string } };
    };
    const { body: byGet } = await getJson(service.apiPort, `/api/trace-stages?traceIds=${[won, noFill]}`);
    const byPost = await post(JSON.stringify({ traceIds: [won, noFill] }));
    expect(byPost).toEqual({ status: 200, body: byGet });
    const many = [won, ...Array.from({ length: MAX_TRACE_STAGES - 1 }, () => hex(16))];
    const all = await post(JSON.stringify({ traceIds: many }));
    expect(all.status).toBe(200);
    expect(all.body.traces).toHaveLength(MAX_TRACE_STAGES);
    expect((await post('[1, 2]')).status).toBe(400);
    expect((await post('{"traceIds": [{}]}')).body.error).toMatch(/traceIds must be a string/);
    const huge = await post(JSON.stringify({ traceIds: Array.from({ length: 40_000 }, () => hex(16)) }));
    expect(huge.status).toBe(413);
  });

  it('refuses what is not a trace id', async () => {
    const { status } = await getJson(service.apiPort, '/api/trace-stages?traceIds=nope');
    expect(status).toBe(400);
  });
});
