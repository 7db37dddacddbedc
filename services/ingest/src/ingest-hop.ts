import { createUserKeyer, deriveEventId, IngestError, toBidRequest } from '@adtrace/ads';
import { type BidRequest, createCodec, RecordNames } from '@adtrace/schemas';
import { createHop, type Hop, type KafkaPortFactory, type Log, RejectedError } from '@adtrace/stream';
import { pointAttributes, SpanAttributes } from '@adtrace/telemetry/attributes';
import { ended, serviceTracer } from '@adtrace/telemetry/tracer';
import { metrics } from '@opentelemetry/api';
import type { IngestConfig } from './config.ts';
import { createRawDecoder } from './decode-raw.ts';
import { IngestAttr, piiAttributes, serveAttributes } from './serve-attributes.ts';

export interface IngestTopics {
  readonly raw: string;
  readonly requests: string;
}

export interface IngestOptions {
  /** Tests run on topics of their own; overrides config.topics. */
  readonly topics?: Partial<IngestTopics>;
  /** Overrides config.group (consumer group and transactional id prefix). */
  readonly name?: string;
  readonly log?: Log;
  readonly kafka?: KafkaPortFactory;
  /** Last step of the drain (main.ts flushes telemetry here). */
  readonly onShutdown?: () => void | Promise<void>;
}

/**
 * The ingest hop: adtrace.bid-requests.raw (OpenRTB JSON or Avro RawBidRequest, keyed by the
 * exchange's request id) → adtrace.bid-requests (BidRequest, keyed by user key). Invalid
 * requests are dead letters (config.stream.deadLetterTopic, adtrace.dead-letters.raw by
 * default: they hold raw personal data); retries of a request id are dropped. Exactly-once:
 * the de-duplication store is state, and a duplicate BidRequest would be a second auction.
 */
export function createIngest(config: IngestConfig, options: IngestOptions = {}): Hop {
  const topics = { ...config.topics, ...options.topics };
  const tracer = serviceTracer('adtrace.ingest');
  const fieldsDropped = metrics.getMeter('adtrace.ingest').createCounter('ads.ingest.fields_dropped', {
    description: 'Malformed optional fields dropped or normalized instead of refusing the request, by field',
  });
  const fixPoint = pointAttributes((key: string) => {
    const [field, action] = key.split('\u0000');
    return { field, action };
  });
  const userKeyOf = createUserKeyer(config.userKeySecret);
  const consent = {
    gdprDefault: config.gdprDefault,
    ...(config.tcfVendorId !== undefined && { vendorId: config.tcfVendorId }),
  };
  const bidRequestCodec = createCodec(RecordNames.BidRequest);

  return createHop({
    name: options.name ?? config.group,
    config: config.stream,
    mode: 'exactly-once',
    inputs: { raw: { topic: topics.raw, decode: createRawDecoder(config.maxRequestBytes) } },
    outputs: {
      requests: {
        topic: topics.requests,
        encode: (v: BidRequest) => bidRequestCodec.encode(v),
        schema: bidRequestCodec,
      },
    },
    // Upstream keys by request id, so a retry meets its original in this partition. The value's
    // id, not the record key: a producer that keys by something else must not defeat it.
    dedupe: { key: (m) => m.value.request.id, ttlMs: config.dedupeTtlMs },
    ...(options.log && { log: options.log }),
    ...(options.kafka && { kafka: options.kafka }),
    ...(options.onShutdown && { onShutdown: options.onShutdown }),
    handler: (m, ctx) =>
      tracer.startActiveSpan('ads.serve', (span) =>
        ended(span, () => {
          const { format, request: raw } = m.value;
          // Before anything can fail, so a dead letter of this request carries its event too.
          const eventId = deriveEventId(config.source, raw.id);
          ctx.setEventId(eventId);
          // Both ids before anything can fail: `adtrace trace <request id>` finds a rejected request too.
          span.setAttributes({ [SpanAttributes.eventId]: eventId, [IngestAttr.requestId]: raw.id });
          const ingested = refuseIngestErrors(() =>
            toBidRequest(raw, {
              source: config.source,
              receivedAtMs: m.timestamp,
              userKeyOf,
              usdRates: config.usdRates,
              consent,
            }),
          );
          // An unsampled request (most, at a sampling ratio) records nothing: its attributes and
          // its reduce_pii child (unsampled too, under the parent-based sampler) are not made.
          if (span.isRecording()) {
            span.setAttributes(serveAttributes(ingested, format));
            tracer
              .startSpan('ads.ingest.reduce_pii', {
                attributes: { ...piiAttributes(ingested.pii), [SpanAttributes.eventId]: eventId },
              })
              .end();
          }
          for (const fix of ingested.fixes) fieldsDropped.add(1, fixPoint(`${fix.field}\u0000${fix.action}`));
          const { request, userKey } = ingested;
          // Inside the span: it is the output's traceparent, so the chain is process → ads.serve → next hop.
          ctx.emit({ to: 'requests', value: request, key: userKey.key, eventId });
          return [];
        }),
      ),
  });
}

function refuseIngestErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof IngestError) throw new RejectedError(error.code, error.reason, { cause: error });
    throw error;
  }
}
