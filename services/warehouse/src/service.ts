import { SpanAttributes } from '@adtrace/telemetry';
import { openWarehouse, type Warehouse } from '@adtrace/warehouse';
import { trace } from '@opentelemetry/api';
import { type ApiServer, startApiServer } from './api/http-server.ts';
import { routes, type Traced } from './api/routes.ts';
import { loadUiFiles } from './api/ui-files.ts';
import type { ServiceConfig } from './config.ts';
import { chargePhase, startPhase, UNMEASURED } from './cpu-phase.ts';
import { type RecordDecoders, schemaDecoders } from './loader/record-rows.ts';
import { createTopicLoader, type TopicLoader } from './loader/topic-loader.ts';
import { type OtlpReceiver, startOtlpReceiver } from './otlp/receiver.ts';
import { type SpanRetention, startSpanRetention } from './span-retention.ts';
import { SpanSink } from './span-sink.ts';

export interface WarehouseService {
  readonly otlpPort: number;
  readonly apiPort: number;
  readonly warehouse: Warehouse;
  readonly sink: SpanSink;
  /** Stop taking spans, write what was accepted, stop the loader, close the warehouse. Safe twice. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Replace Avro decoders of @adtrace/schemas (tests, other encodings); the rest stay Avro. */
  readonly decoders?: Partial<RecordDecoders>;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

const defaultLog = (level: string, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, service: 'warehouse', message, time: new Date().toISOString() })}\n`);

/** Opens the warehouse, then starts the OTLP receiver, the query API and the topic loader. */
export async function startWarehouseService(
  config: ServiceConfig,
  options: ServiceOptions = {},
): Promise<WarehouseService> {
  const log = options.log ?? defaultLog;
  const tracer = trace.getTracer('@adtrace/service-warehouse');
  // A query's scanned bytes go on the span of the query that read them (priced as query cost).
  const warehouse = await openWarehouse(config.warehouse, {
    onQuery: (s) => trace.getActiveSpan()?.setAttribute(SpanAttributes.queryBytesScanned, s.bytesScanned),
  });
  const sink = new SpanSink(warehouse, { maxBatchSpans: config.maxBatchSpans, maxQueuedSpans: config.maxQueuedSpans });
  let receiver: OtlpReceiver | undefined;
  let api: ApiServer | undefined;
  let loader: TopicLoader | undefined;
  let retention: SpanRetention | undefined;
  const stop = async () => {
    await receiver?.stop();
    await sink.drain();
    await api?.stop();
    await retention?.stop();
    await loader?.stop().catch((err) => log('warn', `loader stop: ${String(err)}`));
    await warehouse.close();
  };
  try {
    receiver = await startOtlpReceiver({ ...config, port: config.otlpPort, sink, log });
    // A query's CPU from the process's CPU ledger, like a load's (cpu-phase.ts).
    const traced: Traced = (name, work) =>
      tracer.startActiveSpan(`warehouse.query ${name}`, { attributes: UNMEASURED }, (span) => {
        const phase = startPhase();
        return work().finally(() => {
          chargePhase(span, phase);
          span.end();
        });
      });
    // A loader that crashed leaves the receiver serving, but the service is not healthy: say so.
    const health = () => {
      const loaderStats = loader?.stats() ?? null;
      const status = loaderStats?.error ? 'loader-failed' : 'ok';
      return { status, dialect: warehouse.dialect, spans: sink.stats, loader: loaderStats };
    };
    api = await startApiServer(config.host, config.apiPort, routes(warehouse, traced, health), log, loadUiFiles());
    retention = startSpanRetention({ ...config.spanRetention, warehouse, tracer, log });
    if (config.loader.enabled) {
      const decoders = { ...schemaDecoders(), ...options.decoders };
      loader = createTopicLoader({ ...config.loader, warehouse, decoders, log });
      await loader.start();
    }
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  log(
    'info',
    `OTLP/gRPC on ${config.host}:${receiver.port}, query API on http://${config.host}:${api.port}, web view at /ui/, ${warehouse.dialect}`,
  );
  let stopping: Promise<void> | undefined;
  return {
    otlpPort: receiver.port,
    apiPort: api.port,
    warehouse,
    sink,
    stop: () => (stopping ??= stop()),
  };
}
