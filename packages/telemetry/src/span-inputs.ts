// What code outside the SDK (the stream runtime, the warehouse) needs to feed the cost model
// and its metrics: attribute names, the byte count, the CPU meter, metric points' attributes. Importable without loading the SDK
// (`@adtrace/telemetry/attributes`): only `@opentelemetry/api` underneath.
export { CostAttributes, SpanAttributes } from './attributes.ts';
export { CPU_METER_KEY, type CpuMeter, cpuMeterOf, withCpuMeter } from './cpu-meter.ts';
export { kafkaMessageBytes, type SizedMessage } from './message-bytes.ts';
export { pointAttributes } from './point-attributes.ts';
