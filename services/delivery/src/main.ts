// The delivery service: AuctionOutcome → Impression. Started by `adtrace up delivery` with the
// telemetry preloaded.
import { ConfigError, runUntilSignal } from '@adtrace/stream';
import { shutdownTelemetry } from '@adtrace/telemetry';
import { readEnv, toConfig } from './config.ts';
import { createDelivery } from './delivery-hop.ts';

try {
  const hop = createDelivery(toConfig(readEnv()), { onShutdown: shutdownTelemetry });
  await runUntilSignal(hop);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // One line naming the variable, not a stack: the fix is in the environment.
  process.stderr.write(`delivery: ${error.message}\n`);
  process.exitCode = 1;
  await shutdownTelemetry();
}
