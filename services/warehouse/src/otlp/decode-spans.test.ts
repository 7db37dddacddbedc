import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeExportRequest } from './decode-spans.ts';
import { encodeExportRequest, type SpanInput } from './encode-request.ts';
import { OtlpRejection } from './rejection.ts';

const T = '4bf92f3577b34da6a3ce929d0e0e4736';
const base = (over: Partial<SpanInput> = {}): SpanInput => ({
  traceId: T,
  spanId: '00f067aa0ba902b7',
  name: 'ads.auction',
  startTimeUnixNano: 1_795_305_984_252_123_456n,
  endTimeUnixNano: 1_795_305_984_253_623_956n,
  ...over,
});
const request = (spans: SpanInput[], attributes: Record<string, string> = { 'service.name': 'auction' }) =>
  encodeExportRequest([{ attributes, spans }]);

function rejection(fn: () => unknown): OtlpRejection {
  try {
    fn();
  } catch (err) {
    if (err instanceof OtlpRejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('decodeExportRequest, pricing at load', () => {
  // Prices worked out by hand from the list (telemetry README "Prices"), not from priceUsage.
  const VCPU_HOUR = 0.04048;
  const KAFKA_IN_GIB = 0.1;
  const KAFKA_OUT_GIB = 0.05;
  const QUERY_TIB = 6.25;
  const row = (over: Partial<SpanInput>) => decodeExportRequest(request([base(over)]), 1).rows[0]!;

  it('prices what a span measured: CPU, produced bytes on a PRODUCER span, consumed bytes otherwise, scanned bytes', () => {
    const send = row({ kind: 4, attributes: { 'adtrace.cost.cpu_us': 3.6e9, 'adtrace.kafka.bytes': 1024 ** 3 } });
    expect(send.computeUsd).toBeCloseTo(VCPU_HOUR, 12);
    expect(send.kafkaUsd).toBeCloseTo(KAFKA_IN_GIB, 12);
    expect(send.costUsd).toBeCloseTo(0.14048, 12);
    const consumed = row({ kind: 5, attributes: { 'adtrace.cost.cpu_us': 0, 'adtrace.kafka.bytes': 2 * 1024 ** 3 } });
    expect(consumed.kafkaUsd).toBeCloseTo(2 * KAFKA_OUT_GIB, 12);
    expect(consumed.costUsd).toBeCloseTo(0.1, 12);
    const query = row({ attributes: { 'adtrace.query.bytes_scanned': 1024 ** 4 / 2 } });
    expect(query.queryUsd).toBeCloseTo(QUERY_TIB / 2, 12);
    expect(query.costUsd).toBeCloseTo(3.125, 12);
  });

  it("prices a process span's consumed bytes at the data-out price and its message's produced bytes at the data-in price", () => {
    // The stream runtime records no send span per output: the process span carries what its message wrote.
    const process = row({
      kind: 5,
      attributes: { 'adtrace.kafka.bytes': 2 * 1024 ** 3, 'adtrace.kafka.produced_bytes': 3 * 1024 ** 3 },
    });
    expect(process.kafkaUsd).toBeCloseTo(2 * KAFKA_OUT_GIB + 3 * KAFKA_IN_GIB, 12); // 0.1 + 0.3
    expect(process.costUsd).toBeCloseTo(0.4, 12);
  });

  it('prices the bytes a warehouse load span wrote at the storage-write price; other spans store nothing', () => {
    const load = row({ attributes: { 'adtrace.storage.bytes_written': 2 * 1024 ** 3 } });
    expect(load.storageUsd).toBeCloseTo(0.05, 12); // 2 GiB × $0.025
    expect(load.costUsd).toBeCloseTo(0.05, 12);
    expect(row({ attributes: { 'adtrace.cost.cpu_us': 1 } }).storageUsd).toBeUndefined();
  });

  it('prices with the table it is given', () => {
    const doubled = {
      vcpuHourUsd: 2 * VCPU_HOUR,
      kafkaInGibUsd: 0,
      kafkaOutGibUsd: 0,
      queryTibUsd: 0,
      storageWriteGibUsd: 0,
    };
    const [r] = decodeExportRequest(request([base({ attributes: { 'adtrace.cost.cpu_us': 3.6e9 } })]), 1, doubled).rows;
    expect(r!.computeUsd).toBeCloseTo(2 * VCPU_HOUR, 12);
  });

  it('keeps the figures of a span that arrives priced, and counts nothing for garbage', () => {
    const priced = row({
      attributes: { 'adtrace.cost.cpu_us': 3.6e9, 'adtrace.cost.usd': 1e-9, 'adtrace.cost.compute_usd': 1e-9 },
    });
    expect(priced.costUsd).toBe(1e-9);
    expect(priced.computeUsd).toBe(1e-9);
    expect(row({ attributes: { 'adtrace.cost.cpu_us': -5, 'adtrace.kafka.bytes': 'lots' } }).costUsd).toBe(0);
  });
});

describe('decodeExportRequest', () => {
  it('turns spans into rows: ids, parent, service, µs start, duration, status, costs, attributes', () => {
    const { rows, resources } = decodeExportRequest(
      request([
        base({
          parentSpanId: 'b7ad6b7169203331',
          kind: 4,
          status: { code: 2, message: 'no fill' },
          attributes: {
            'adtrace.event_id': 'evt-1',
            'adtrace.cost.usd': 3e-9,
            'adtrace.cost.compute_usd': 1e-9,
            'adtrace.cost.kafka_usd': 2e-9,
            'messaging.kafka.offset': 9_007_199_254_740_991,
            ok: true,
          },
        }),
      ]),
      10,
    );
    expect(rows).toEqual([
      {
        traceId: T,
        spanId: '00f067aa0ba902b7',
        parentSpanId: 'b7ad6b7169203331',
        service: 'auction',
        name: 'ads.auction',
        kind: 'producer',
        startUnixMicros: 1_795_305_984_252_123,
        durationMs: 1.5005,
        statusCode: 'error',
        statusMessage: 'no fill',
        eventId: 'evt-1',
        computeUsd: 1e-9,
        kafkaUsd: 2e-9,
        queryUsd: 0,
        costUsd: 3e-9,
        attributesJson: expect.any(String),
        resourceId: resources[0]!.resourceId,
      },
    ]);
    // The span's own attributes, less its event id (a column of its own).
    expect(JSON.parse(rows[0]!.attributesJson)).toEqual({
      'adtrace.cost.usd': 3e-9,
      'adtrace.cost.compute_usd': 1e-9,
      'adtrace.cost.kafka_usd': 2e-9,
      'messaging.kafka.offset': 9_007_199_254_740_991,
      ok: true,
    });
    expect(resources).toEqual([
      { resourceId: expect.stringMatching(/^[0-9a-f]{16}$/), service: 'auction', attributesJson: expect.any(String) },
    ]);
    expect(JSON.parse(resources[0]!.attributesJson)).toEqual({ 'otel.scope.name': 'adtrace-encoder' });
  });

  it('stores what a resource and its scope say once: every span of theirs names the same resource row', () => {
    const process = {
      attributes: {
        'service.name': 'auction',
        'service.version': '1.2.0',
        'service.instance.id': 'auction@pod-a',
        'messaging.system': 'kafka',
        'telemetry.sdk.language': 'nodejs',
      },
      scopeAttributes: { 'messaging.consumer.group.name': 'auction', 'messaging.client.id': 'auction-1' },
      spans: [base(), base({ spanId: '1111111111111111', attributes: { 'messaging.client.id': 'override' } })],
    };
    const { rows, resources } = decodeExportRequest(encodeExportRequest([process]), 10);
    expect(resources).toHaveLength(1);
    expect(JSON.parse(resources[0]!.attributesJson)).toEqual({
      'service.version': '1.2.0',
      'service.instance.id': 'auction@pod-a',
      'messaging.system': 'kafka',
      'messaging.consumer.group.name': 'auction',
      'messaging.client.id': 'auction-1',
      'otel.scope.name': 'adtrace-encoder',
    }); // not service.name (a column), nor telemetry.sdk.* (the exporter, not the work)
    expect(rows.map((r) => r.resourceId)).toEqual([resources[0]!.resourceId, resources[0]!.resourceId]);
    // Each row only its own: the span's attribute stays on it (and wins when the trace query merges).
    expect(JSON.parse(rows[0]!.attributesJson)).toEqual({});
    expect(JSON.parse(rows[1]!.attributesJson)).toEqual({ 'messaging.client.id': 'override' });
    // The same resource in the next request, or another warehouse process: the same id.
    expect(decodeExportRequest(encodeExportRequest([process]), 10).resources[0]!.resourceId).toBe(
      resources[0]!.resourceId,
    );
    const other = { ...process, attributes: { ...process.attributes, 'service.instance.id': 'auction@pod-b' } };
    expect(decodeExportRequest(encodeExportRequest([other]), 10).resources[0]!.resourceId).not.toBe(
      resources[0]!.resourceId,
    );
  });

  it("a resource that says nothing but its service's name gets no row", () => {
    const { rows, resources } = decodeExportRequest(
      encodeExportRequest([{ attributes: { 'service.name': 'auction' }, scopeName: '', spans: [base()] }]),
      10,
    );
    expect(resources).toEqual([]);
    expect(rows[0]).toMatchObject({ service: 'auction', resourceId: null });
  });

  it('reads the resource even when it comes after the spans on the wire', () => {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // ResourceSpans
    w.uint32((2 << 3) | 2).fork(); // ScopeSpans, first
    w.uint32((2 << 3) | 2).fork(); // Span
    w.uint32((1 << 3) | 2).bytes(Buffer.from(T, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from('00f067aa0ba902b7', 'hex'));
    w.uint32((5 << 3) | 2).string('late resource');
    w.ldelim().ldelim();
    w.uint32((1 << 3) | 2).fork(); // Resource, after
    w.uint32((1 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('service.name');
    w.uint32((2 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .string('profiling')
      .ldelim()
      .ldelim();
    w.ldelim().ldelim();
    const [row] = decodeExportRequest(Buffer.from(w.finish()), 1).rows;
    expect(row).toMatchObject({ service: 'profiling', name: 'late resource' });
  });

  it('names an unknown service and treats an all-zero parent as none', () => {
    const [row] = decodeExportRequest(request([base({ parentSpanId: '0000000000000000' })], {}), 1).rows;
    expect(row).toMatchObject({ service: 'unknown_service', parentSpanId: null, eventId: null, costUsd: 0 });
  });

  it('rejects malformed protobuf as INVALID_ARGUMENT', () => {
    for (const bad of [
      Buffer.from([0x0a, 0x05, 0x01]),
      Buffer.from('this is not protobuf at all'),
      Buffer.from([0xff]),
    ]) {
      expect(rejection(() => decodeExportRequest(bad, 10)).code).toBe('INVALID_ARGUMENT');
    }
  });

  it.each([
    ['a missing trace id', { traceId: '' }, /trace_id must be 16 bytes|trace_id is missing/],
    ['a short span id', { spanId: 'abcd' }, /span_id must be 8 bytes/],
    ['an all-zero trace id', { traceId: '0'.repeat(32) }, /all zeros/],
    ['a 4-byte parent', { parentSpanId: 'abcdef01' }, /parent_span_id/],
  ])('rejects %s as INVALID_ARGUMENT, the whole request', (_what, over, message) => {
    const err = rejection(() => decodeExportRequest(request([base({ spanId: '1111111111111111' }), base(over)]), 10));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(message);
  });

  it('rejects more spans than allowed as RESOURCE_EXHAUSTED', () => {
    const spans = Array.from({ length: 5 }, (_, i) => base({ spanId: `10000000000000${String(i).padStart(2, '0')}` }));
    expect(rejection(() => decodeExportRequest(request(spans), 4)).code).toBe('RESOURCE_EXHAUSTED');
    expect(decodeExportRequest(request(spans), 5).rows).toHaveLength(5);
  });

  it('decodes an empty request to no rows', () => {
    expect(decodeExportRequest(Buffer.alloc(0), 1)).toEqual({ rows: [], resources: [] });
  });
});
