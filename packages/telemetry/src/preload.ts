// Loaded with `node --import <abs>/packages/telemetry/src/preload.ts services/<name>/src/main.ts`
// (`adtrace up` does this): starts telemetry before any service module, and so before kafkajs,
// is loaded. A bad config value fails the process here, naming the variable.
import { readEnv, toConfig } from './config.ts';
import { telemetryHandle } from './handle.ts';
import { loadKafkajsInstrumented } from './kafkajs-instrumented.ts';
import { startTelemetry } from './sdk.ts';

const config = toConfig(readEnv());
if (!config.disabled && !telemetryHandle()) {
  const handle = startTelemetry(config);
  loadKafkajsInstrumented(); // after startTelemetry: its instrumentation patches kafkajs as it loads
  // Tools and one-shot scripts end without calling shutdownTelemetry(): flush once when the
  // loop runs dry, so their last spans are not lost. (Services call it on SIGTERM.)
  process.once('beforeExit', () => void handle.shutdown());
}
