import * as grpc from '@grpc/grpc-js';

const identity = (b: Buffer): Buffer => b;

export interface RawOtlpClient {
  /** Sends encoded ExportTraceServiceRequest bytes; rejects with the gRPC status (`code`, `details`). */
  export(request: Buffer, deadlineMs?: number): Promise<void>;
  close(): void;
}

/**
 * A bare TraceService/Export client: bytes in, status out. The benchmark sends pre-encoded
 * requests with it (so it measures the receiver, not an SDK), and tests send bad input.
 */
export function createRawOtlpClient(address: string, maxSendBytes = 256 * 1024 * 1024): RawOtlpClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': maxSendBytes,
  });
  return {
    export(request, deadlineMs = 30_000) {
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          identity,
          identity,
          request,
          { deadline: Date.now() + deadlineMs },
          (err) => (err ? reject(err) : resolve()),
        );
      });
    },
    close: () => client.close(),
  };
}
