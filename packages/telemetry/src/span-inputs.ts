// The attribute names and the byte count that code outside the SDK sets on spans for the cost
// model: importable without loading the SDK (`@adtrace/telemetry/attributes`).
export { CostAttributes, SpanAttributes } from './attributes.ts';
export { kafkaMessageBytes, type SizedMessage } from './message-bytes.ts';
