// The aggregation service: AttributedEvent → ROAS windows, campaign spend, alerts. Started by
// `adtrace up aggregation` with the telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { createAggregation } from './aggregation-hop.ts';
import { readEnv, toConfig } from './config.ts';

try {
  const hop = createAggregation(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`aggregation: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
