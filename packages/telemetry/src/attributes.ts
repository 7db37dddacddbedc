/**
 * Span attribute names the pipeline agrees on. The stream runtime and the warehouse set the
 * inputs; the cost processor reads them and writes the cost attributes; the warehouse reads
 * them all back into columns.
 */
export const SpanAttributes = {
  /** The ad event the span belongs to: on every span of the event's trace. */
  eventId: 'adtrace.event_id',
  /**
   * Message bytes (key + value + headers) consumed by this span (`process`), or produced by it
   * (PRODUCER spans: `send`, the kafkajs instrumentation's).
   */
  kafkaBytes: 'adtrace.kafka.bytes',
  /**
   * Bytes of the records a `process` span's message wrote (outputs, dead letter): the stream
   * runtime records no span per output, so its process span carries them (priced as produced).
   */
  kafkaBytesProduced: 'adtrace.kafka.produced_bytes',
  /** Bytes a warehouse query scanned: set on query spans. */
  queryBytesScanned: 'adtrace.query.bytes_scanned',
  /** Bytes a warehouse load wrote (the rows as a storage-write API bills them): set on the warehouse's load spans. */
  storageBytesWritten: 'adtrace.storage.bytes_written',
} as const;

/** What the cost processor writes on every span it sees. All of them are the span's *self* cost (see README). */
export const CostAttributes = {
  computeUsd: 'adtrace.cost.compute_usd',
  kafkaUsd: 'adtrace.cost.kafka_usd',
  queryUsd: 'adtrace.cost.query_usd',
  /** Writing rows into the warehouse (storage-write price × bytes written). */
  storageUsd: 'adtrace.cost.storage_usd',
  /** compute + kafka + query + storage. */
  totalUsd: 'adtrace.cost.usd',
  /** The CPU time the compute cost was computed from (self, microseconds): lets reports re-price. */
  cpuMicros: 'adtrace.cost.cpu_us',
} as const;
