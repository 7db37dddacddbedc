/**
 * Kafka header names the pipeline writes. The runtime writes them; the warehouse loader and
 * the CLI read them. Values are UTF-8 strings.
 */
export const Headers = {
  /** W3C trace context of the span that produced the message (overwritten, never appended). */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** The ad event this message belongs to: lets every hop tag its spans without decoding. */
  eventId: 'adtrace.event-id',
} as const;

/** Headers added to a dead letter, beside the original key, value and headers. */
export const DeadLetterHeaders = {
  /** What went wrong, in words a person can act on. */
  reason: 'adtrace.dlq.reason',
  /** A stable machine code, e.g. CodecError's TRUNCATED or a validation rule. */
  code: 'adtrace.dlq.code',
  /** The error class name, e.g. CodecError, ValidationError, HandlerRejection. */
  errorClass: 'adtrace.dlq.error-class',
  /** The service (consumer group) that gave up on the message. */
  stage: 'adtrace.dlq.stage',
  originalTopic: 'adtrace.dlq.original-topic',
  originalPartition: 'adtrace.dlq.original-partition',
  originalOffset: 'adtrace.dlq.original-offset',
  /** The original record's timestamp, ms since the epoch. */
  originalTimestamp: 'adtrace.dlq.original-timestamp',
  /** The original message's traceparent, so the dead letter joins the event's trace. */
  originalTraceparent: 'adtrace.dlq.original-traceparent',
  /** When it was dead-lettered, ms since the epoch. */
  deadLetteredAt: 'adtrace.dlq.dead-lettered-at',
} as const;
