import { LIST_PRICES } from '@adtrace/telemetry';
import { startOtlpReceiver } from '../../../../services/warehouse/src/otlp/receiver.ts';
import type { SpanSink } from '../../../../services/warehouse/src/span-sink.ts';
import type { SpanResourceRow, SpanRow } from '../../../warehouse/src/rows.ts';
import type { SpanRecord } from './sdk.ts';

export interface OtlpCollector {
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` for a child started with the production preload. */
  readonly endpoint: string;
  /** Every span received so far, as tests read spans. */
  spans(): SpanRecord[];
  stop(): Promise<void>;
}

const KIND: Record<string, number> = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 };
const STATUS: Record<string, number> = { unset: 0, ok: 1, error: 2 };

/**
 * The warehouse's OTLP/gRPC receiver (the one every service exports to), keeping the decoded
 * rows in memory instead of loading them into a database: a child hop started with the
 * production telemetry preload exports here over the real wire.
 */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const rows: SpanRow[] = [];
  const resources = new Map<string, Record<string, unknown>>();
  const sink = {
    submit: async (received: { rows: readonly SpanRow[]; resources: readonly SpanResourceRow[] }) => {
      for (const r of received.resources) resources.set(r.resourceId, JSON.parse(r.attributesJson));
      rows.push(...received.rows);
    },
  };
  const receiver = await startOtlpReceiver({
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 64 << 20,
    flowControlWindowBytes: 8 << 20,
    maxSpansPerRequest: 100_000,
    prices: LIST_PRICES,
    sink: sink as unknown as SpanSink,
    log: (level, message) => console.error(level, message),
  });
  return {
    endpoint: `http://127.0.0.1:${receiver.port}`,
    spans: () => rows.map((row) => toRecord(row, resources.get(row.resourceId ?? ''))),
    stop: () => receiver.stop(1000),
  };
}

function toRecord(row: SpanRow, resource: Record<string, unknown> | undefined): SpanRecord {
  // As the trace query puts a span back together: its resource's attributes, its event id, its
  // own; service.name is a column of the row, not in its attribute map. Not what the name says:
  // tests check the spans leave that out.
  const own = JSON.parse(row.attributesJson) as Record<string, unknown>;
  const attributes: Record<string, unknown> = { ...resource, ...own, 'service.name': row.service };
  return {
    name: row.name,
    kind: KIND[row.kind] ?? -1,
    traceId: row.traceId,
    spanId: row.spanId,
    parentSpanId: row.parentSpanId ?? undefined,
    scope: String(attributes['otel.scope.name'] ?? ''),
    status: STATUS[row.statusCode] ?? -1,
    attributes: row.eventId ? { ...attributes, 'adtrace.event_id': row.eventId } : attributes,
    events: [],
    links: [],
    startMs: row.startUnixMicros / 1000,
    endMs: row.startUnixMicros / 1000 + row.durationMs,
  };
}
