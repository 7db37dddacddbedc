import { diag } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { serializeTraceExportRequest } from './otlp-trace-serializer.ts';

type ExporterConfig = ConstructorParameters<typeof OTLPTraceExporter>[0];
interface Serializer {
  serializeRequest(spans: ReadableSpan[]): Uint8Array | undefined;
  deserializeResponse(data: Uint8Array): unknown;
}

/**
 * The stock OTLP/gRPC trace exporter (`@opentelemetry/exporter-trace-otlp-grpc`: its gRPC
 * client, endpoint, compression, credentials, retries and self-metrics), encoding each request
 * with `serializeTraceExportRequest` instead of the stock `ProtobufTraceSerializer`: the same
 * bytes in about a third of the CPU (otlp-trace-serializer.ts).
 *
 * The package takes no serializer option, so the one its export delegate holds is replaced after
 * construction. That reaches two private fields (`_delegate`, `_serializer`, @opentelemetry
 * 0.301.0, pinned): if a release renames them nothing is replaced and the stock serializer runs,
 * slower but correct — and trace-exporter.test.ts fails, so the upgrade says so.
 */
export class AdtraceTraceExporter extends OTLPTraceExporter {
  /** Whether the lean serializer is in place (false: the stock one runs). */
  readonly leanSerializer: boolean;

  constructor(config?: ExporterConfig) {
    super(config);
    const delegate = (this as unknown as { _delegate?: { _serializer?: Serializer } })._delegate;
    const stock = delegate?._serializer;
    if (delegate && typeof stock?.serializeRequest === 'function' && typeof stock.deserializeResponse === 'function') {
      delegate._serializer = {
        serializeRequest: (spans) => serializeTraceExportRequest(spans),
        deserializeResponse: (data) => stock.deserializeResponse(data),
      };
      this.leanSerializer = true;
    } else {
      diag.warn('adtrace telemetry: OTLP exporter internals changed; spans are encoded by the stock serializer');
      this.leanSerializer = false;
    }
  }
}

/** The stock serializer of a stock exporter (tests: the lean one must produce its very bytes). */
export function stockTraceSerializer(): Serializer {
  const delegate = (new OTLPTraceExporter() as unknown as { _delegate: { _serializer: Serializer } })._delegate;
  return delegate._serializer;
}
