// The ingest service: OpenRTB bid requests → BidRequest. Started by `adtrace up ingest` with the
// telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { readEnv, toConfig } from './config.ts';
import { createIngest } from './ingest-hop.ts';

try {
  const hop = createIngest(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`ingest: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
