// The upstream side of adtrace.bid-requests.raw: what an exchange or SSP integration runs.
import { Topics } from '@adtrace/schemas';
import { CompressionTypes, type Kafka, type Producer } from 'kafkajs';
import { type BidRequestMessage, encodeMessage } from './encode.ts';
import { type TraceStart, traceFor } from './trace-context.ts';

export interface BidRequestProducerOptions {
  /** Default adtrace.bid-requests.raw. */
  readonly topic?: string;
  /** Check each request by ingest's rules before sending (default true). */
  readonly validate?: boolean;
  /** Share of the traces this producer starts that are sampled (default 1: every one). */
  readonly sampleRatio?: number;
  /** Wrap an existing kafkajs producer instead of making one (then `close` leaves it connected). */
  readonly producer?: Producer;
}

export interface SentBidRequest extends TraceStart {
  readonly requestId: string;
  readonly format: 'json' | 'avro';
}

export interface BidRequestProducer {
  /** Sends the requests in one batch; resolves when the broker has them all (acks = all). */
  send(messages: readonly BidRequestMessage[]): Promise<SentBidRequest[]>;
  close(): Promise<void>;
}

/**
 * A producer of raw bid requests. Each record is keyed by its OpenRTB request id — the topic's
 * contract: retries of one request land in one partition, where ingest de-duplicates them —
 * and carries a `traceparent` header: the caller's (`message.traceparent`, or the active
 * OpenTelemetry span), else a new trace per request. Idempotent, so a retried batch is not
 * written twice by the producer itself.
 */
export async function createBidRequestProducer(
  kafka: Kafka,
  options: BidRequestProducerOptions = {},
): Promise<BidRequestProducer> {
  const topic = options.topic ?? Topics.bidRequestsRaw;
  const validate = options.validate ?? true;
  const sampleRatio = options.sampleRatio ?? 1;
  if (!(sampleRatio >= 0 && sampleRatio <= 1)) throw new Error(`sampleRatio must be in [0, 1], got ${sampleRatio}`);
  const owned = options.producer === undefined;
  const producer = options.producer ?? kafka.producer({ idempotent: true, maxInFlightRequests: 5 });
  if (owned) {
    try {
      await producer.connect();
    } catch (err) {
      // A connect that fails half way (the broker answering, its metadata not yet) leaves a
      // socket open, which would keep the process alive after everything else stopped.
      await producer.disconnect().catch(() => {});
      throw err;
    }
  }
  return {
    async send(messages) {
      const sent: SentBidRequest[] = [];
      const records = messages.map((m) => {
        const { id, value } = encodeMessage(m, validate);
        const t = traceFor(m.traceparent, sampleRatio);
        sent.push({ ...t, requestId: id, format: m.avro ? 'avro' : 'json' });
        return { key: id, value, headers: { traceparent: t.traceparent } };
      });
      if (records.length > 0)
        await producer.send({ topic, messages: records, acks: -1, compression: CompressionTypes.None });
      return sent;
    },
    async close() {
      if (owned) await producer.disconnect();
    },
  };
}
