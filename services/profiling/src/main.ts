// The profiling service: BidRequest → ProfiledRequest. Started by `adtrace up profiling` with the
// telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { readEnv, toConfig } from './config.ts';
import { createProfiling } from './profiling-hop.ts';

try {
  const hop = createProfiling(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`profiling: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
