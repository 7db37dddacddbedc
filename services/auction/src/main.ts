// The auction service: ProfiledRequest + Impression → AuctionOutcome per imp. Started by
// `adtrace up auction` with the telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { createAuction } from './auction-hop.ts';
import { readEnv, toConfig } from './config.ts';

try {
  const hop = createAuction(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`auction: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
