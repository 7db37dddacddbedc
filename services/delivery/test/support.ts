export {
  type MetricPoint,
  registerTestTelemetry,
  type SpanRecord,
  sumOf,
  type TestTelemetry,
} from '../../../test/support/telemetry.ts';
