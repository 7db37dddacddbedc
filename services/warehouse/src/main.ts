// The warehouse service: OTLP/gRPC span receiver, topic loader, query API. Started by
// `adtrace up warehouse` with the telemetry preloaded.
import { flushTelemetry, shutdownTelemetry } from '@adtrace/telemetry';
import { readEnv, toConfig } from './config.ts';
import { startWarehouseService } from './service.ts';

const service = await startWarehouseService(toConfig(readEnv()));
const signal = await new Promise<string>((resolve) => {
  process.once('SIGTERM', () => resolve('SIGTERM'));
  process.once('SIGINT', () => resolve('SIGINT'));
});
process.stderr.write(`warehouse: ${signal}, draining\n`);
// Our own spans go to our own receiver (the default endpoint): send them while it still listens.
await flushTelemetry();
await service.stop();
await shutdownTelemetry();
process.exitCode = 0;
