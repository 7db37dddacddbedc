import protobuf from 'protobufjs';

/** A span to encode; ids are hex, times are Unix nanoseconds as bigint. */
export interface SpanInput {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** SpanKind number: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind?: number;
  readonly startTimeUnixNano: bigint;
  readonly endTimeUnixNano: bigint;
  readonly attributes?: Record<string, string | number | boolean>;
  /** 1 ok, 2 error. */
  readonly status?: { readonly code: number; readonly message?: string };
}

export interface ResourceInput {
  readonly attributes: Record<string, string>;
  /** The instrumentation scope's name ('adtrace-encoder' unless given; '' for none). */
  readonly scopeName?: string;
  /** Attributes of the instrumentation scope all `spans` share. */
  readonly scopeAttributes?: Record<string, string | number | boolean>;
  readonly spans: readonly SpanInput[];
}

function keyValue(w: protobuf.Writer, field: number, key: string, value: string | number | boolean): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(key);
  w.uint32((2 << 3) | 2).fork();
  if (typeof value === 'string') w.uint32((1 << 3) | 2).string(value);
  else if (typeof value === 'boolean') w.uint32((2 << 3) | 0).bool(value);
  else if (Number.isInteger(value)) w.uint32((3 << 3) | 0).int64(value);
  else w.uint32((4 << 3) | 1).double(value);
  w.ldelim().ldelim();
}

function fixed64(w: protobuf.Writer, field: number, v: bigint): void {
  w.uint32((field << 3) | 1).fixed64(
    new protobuf.util.LongBits(Number(v & 0xffffffffn), Number(v >> 32n)).toLong(true),
  );
}

/**
 * An ExportTraceServiceRequest, written field by field (proto/…/trace_service.proto). For
 * clients without an SDK: the benchmark's raw gRPC load and the receiver's tests.
 */
export function encodeExportRequest(resources: readonly ResourceInput[]): Buffer {
  const w = protobuf.Writer.create();
  for (const r of resources) {
    w.uint32((1 << 3) | 2).fork(); // ResourceSpans
    w.uint32((1 << 3) | 2).fork(); // Resource
    for (const [k, v] of Object.entries(r.attributes)) keyValue(w, 1, k, v);
    w.ldelim();
    w.uint32((2 << 3) | 2).fork(); // ScopeSpans
    w.uint32((1 << 3) | 2).fork();
    const scopeName = r.scopeName ?? 'adtrace-encoder';
    if (scopeName !== '') w.uint32((1 << 3) | 2).string(scopeName);
    for (const [k, v] of Object.entries(r.scopeAttributes ?? {})) keyValue(w, 3, k, v);
    w.ldelim();
    for (const s of r.spans) {
      w.uint32((2 << 3) | 2).fork();
      w.uint32((1 << 3) | 2).bytes(Buffer.from(s.traceId, 'hex'));
      w.uint32((2 << 3) | 2).bytes(Buffer.from(s.spanId, 'hex'));
      if (s.parentSpanId) w.uint32((4 << 3) | 2).bytes(Buffer.from(s.parentSpanId, 'hex'));
      w.uint32((5 << 3) | 2).string(s.name);
      w.uint32((6 << 3) | 0).uint32(s.kind ?? 1);
      fixed64(w, 7, s.startTimeUnixNano);
      fixed64(w, 8, s.endTimeUnixNano);
      for (const [k, v] of Object.entries(s.attributes ?? {})) keyValue(w, 9, k, v);
      if (s.status) {
        w.uint32((15 << 3) | 2).fork();
        if (s.status.message) w.uint32((2 << 3) | 2).string(s.status.message);
        w.uint32((3 << 3) | 0)
          .uint32(s.status.code)
          .ldelim();
      }
      w.ldelim();
    }
    w.ldelim().ldelim();
  }
  return Buffer.from(w.finish());
}
