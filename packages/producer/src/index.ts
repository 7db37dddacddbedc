// @adtrace/producer: send bid requests to adtrace as upstream does. Named exports only.
export {
  type BidRequestProducer,
  type BidRequestProducerOptions,
  createBidRequestProducer,
  type SentBidRequest,
} from './bid-request-producer.ts';
export {
  type BidRequestMessage,
  encodeMessage,
  encodeOpenRtbJson,
  encodeRawBidRequest,
  type OpenRtbJson,
} from './encode.ts';
export { newTraceparent, parseTraceparent, type TraceStart, traceFor } from './trace-context.ts';
