// The tracking service: raw clicks and conversions → re-keyed → attributed. Started by
// `adtrace up tracking` with the telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { readEnv, toConfig } from './config.ts';
import { createTracking } from './tracking-service.ts';

try {
  const hop = createTracking(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`tracking: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
