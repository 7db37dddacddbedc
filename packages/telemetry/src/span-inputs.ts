// What code outside the SDK (the stream runtime, the warehouse) needs to feed the cost model:
// attribute names, the byte count and the CPU meter. Importable without loading the SDK
// (`@adtrace/telemetry/attributes`): only `@opentelemetry/api` underneath.
export { CostAttributes, SpanAttributes } from './attributes.ts';
export { CPU_METER_KEY, type CpuMeter, cpuMeterOf, withCpuMeter } from './cpu-meter.ts';
export { kafkaMessageBytes, type SizedMessage } from './message-bytes.ts';
