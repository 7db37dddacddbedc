import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRawOtlpClient,
  encodeExportRequest,
  type RawOtlpClient,
  type SpanInput,
  type WarehouseService,
} from '../src/index.ts';
import { duckdbBackend, getJson, startTestService } from './support.ts';

const hex = (n: number) =>
  Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16))
    .join('')
    .replace(/^0/, '1');
const span = (traceId: string, over: Partial<SpanInput> = {}): SpanInput => ({
  traceId,
  spanId: hex(16),
  name: 'ads.auction',
  startTimeUnixNano: 1_795_305_984_000_000_000n,
  endTimeUnixNano: 1_795_305_984_001_000_000n,
  ...over,
});
const request = (spans: SpanInput[]) => encodeExportRequest([{ attributes: { 'service.name': 'auction' }, spans }]);

describe('bad input to the OTLP receiver', () => {
  const backend = duckdbBackend();
  let service: WarehouseService;
  let client: RawOtlpClient;

  beforeAll(async () => {
    service = await startTestService(backend, { maxMessageBytes: 64 * 1024, maxSpansPerRequest: 10 });
    client = createRawOtlpClient(`127.0.0.1:${service.otlpPort}`);
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await backend.cleanup();
  });

  const stored = async (traceId: string) =>
    (await getJson(service.apiPort, `/api/traces/${traceId}`)).body.spans?.length ?? 0;

  it('malformed protobuf → INVALID_ARGUMENT', async () => {
    await expect(client.export(Buffer.from('definitely not an OTLP request'))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
    await expect(client.export(Buffer.from([0x0a, 0xff, 0xff, 0x03]))).rejects.toMatchObject({
      code: status.INVALID_ARGUMENT,
    });
  });

  it('a message over the size limit → RESOURCE_EXHAUSTED', async () => {
    const traceId = hex(32);
    const big = request([span(traceId, { attributes: { blob: 'x'.repeat(100 * 1024) } })]);
    await expect(client.export(big)).rejects.toMatchObject({ code: status.RESOURCE_EXHAUSTED });
    expect(await stored(traceId)).toBe(0);
  });

  it('more spans than allowed in one request → RESOURCE_EXHAUSTED, none written', async () => {
    const traceId = hex(32);
    await expect(client.export(request(Array.from({ length: 11 }, () => span(traceId))))).rejects.toMatchObject({
      code: status.RESOURCE_EXHAUSTED,
    });
    expect(await stored(traceId)).toBe(0);
  });

  it.each([
    ['a missing span id', { spanId: '' }],
    ['a short trace id', { traceId: 'abcd' }],
    ['an all-zero span id', { spanId: '0000000000000000' }],
  ])('%s → INVALID_ARGUMENT, and the valid spans of the same request are not written either', async (_what, over) => {
    const traceId = hex(32);
    const err = await client.export(request([span(traceId), span(traceId), span(traceId, over)])).catch((e) => e);
    expect(err).toMatchObject({ code: status.INVALID_ARGUMENT });
    expect(String(err.details)).toMatch(/span 2/);
    expect(await stored(traceId)).toBe(0);
  });

  it('keeps serving: a good request after all that is written', async () => {
    const traceId = hex(32);
    await client.export(request([span(traceId), span(traceId)]));
    expect(await stored(traceId)).toBe(2);
    expect((await getJson(service.apiPort, '/api/health')).body.status).toBe('ok');
  });
});
