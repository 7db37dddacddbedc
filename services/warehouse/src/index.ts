export { readEnv, type ServiceConfig, type ServiceEnv, toConfig } from './config.ts';
export type { RecordDecoders } from './loader/record-rows.ts';
export { createRawOtlpClient, type RawOtlpClient } from './otlp/client.ts';
export { decodeExportRequest } from './otlp/decode-spans.ts';
export { encodeExportRequest, type ResourceInput, type SpanInput } from './otlp/encode-request.ts';
export { OtlpRejection } from './otlp/rejection.ts';
export { type ServiceOptions, startWarehouseService, type WarehouseService } from './service.ts';
export { SinkOverloaded, SpanSink } from './span-sink.ts';
