import type { PriceTable } from '@adtrace/telemetry';
import * as grpc from '@grpc/grpc-js';
import { measured } from '../cpu-phase.ts';
import type { SpanSink } from '../span-sink.ts';
import { SinkOverloaded } from '../span-sink.ts';
import { decodeExportRequest } from './decode-spans.ts';
import { raiseFlowControlWindow } from './flow-control.ts';
import { OtlpRejection } from './rejection.ts';

export interface ReceiverOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Larger messages are refused by gRPC itself with RESOURCE_EXHAUSTED. */
  readonly maxMessageBytes: number;
  /** HTTP/2 receive window per stream and per connection (flow-control.ts says why it is large). */
  readonly flowControlWindowBytes: number;
  readonly maxSpansPerRequest: number;
  /** What each span's measured CPU, Kafka and query bytes cost (the span rows' cost columns). */
  readonly prices: PriceTable;
  readonly sink: SpanSink;
  readonly log: (level: 'warn' | 'error', message: string) => void;
}

export interface OtlpReceiver {
  readonly port: number;
  /** Stops taking requests and waits for the in-flight ones (bounded by `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const identity = (b: Buffer): Buffer => b;
const EMPTY_RESPONSE = Buffer.alloc(0); // an ExportTraceServiceResponse with no partial_success

// Requests stay bytes through grpc-js: decoding in the handler lets a malformed one be
// answered INVALID_ARGUMENT (a throwing deserializer would become INTERNAL).
const traceService: grpc.ServiceDefinition = {
  Export: {
    path: EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/**
 * The standard OTLP/gRPC trace endpoint (`TraceService/Export`), so any OTLP exporter or
 * Collector can send to it. A request is all or nothing: rejected whole (INVALID_ARGUMENT,
 * RESOURCE_EXHAUSTED), or answered OK once all its spans are committed.
 */
export async function startOtlpReceiver(options: ReceiverOptions): Promise<OtlpReceiver> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': 1024 * 1024,
  });
  const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    let spans: ReturnType<typeof decodeExportRequest>;
    let decodeCpuMicros: number;
    try {
      // Measured on the process's CPU ledger: charged to the load that stores these rows, never
      // to a load that happens to be waiting on the database meanwhile.
      ({ result: spans, cpuMicros: decodeCpuMicros } = measured(() =>
        decodeExportRequest(call.request, options.maxSpansPerRequest, options.prices),
      ));
    } catch (err) {
      if (err instanceof OtlpRejection) {
        options.log('warn', `OTLP export rejected: ${err.message}`);
        return callback({ code: grpc.status[err.code], details: err.message });
      }
      options.log('error', `OTLP export failed to decode: ${String(err)}`);
      return callback({ code: grpc.status.INTERNAL, details: 'could not decode the request' });
    }
    options.sink.submit(spans, decodeCpuMicros).then(
      () => callback(null, EMPTY_RESPONSE),
      (err: unknown) => {
        if (!(err instanceof SinkOverloaded)) options.log('error', `writing spans failed: ${String(err)}`);
        // UNAVAILABLE is retryable for OTLP exporters: the request will come again, whole.
        callback({ code: grpc.status.UNAVAILABLE, details: err instanceof Error ? err.message : String(err) });
      },
    );
  };
  server.addService(traceService, { Export: handler });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  if (!raiseFlowControlWindow(server, options.flowControlWindowBytes)) {
    options.log('warn', 'OTLP receiver: grpc-js internals changed; its HTTP/2 windows stay at 64 KiB (slower exports)');
  }
  let stopped: Promise<void> | undefined;
  return {
    port,
    stop(graceMs = 10_000) {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      return stopped;
    },
  };
}
