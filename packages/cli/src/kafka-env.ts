import { readEnv, toConfig } from '@adtrace/stream';
import { localKafkaConfig } from './local-kafka/index.ts';

/** The brokers every client uses: KAFKA_BROKERS (comma-separated), else the local broker. */
export function kafkaBrokers(): string[] {
  // The stream runtime's parser, so KAFKA_BROKERS means (and is checked) the same everywhere.
  if (usesExternalKafka())
    return [...toConfig(readEnv('ADTRACE', { KAFKA_BROKERS: process.env.KAFKA_BROKERS })).brokers];
  const cfg = localKafkaConfig();
  return [`${cfg.host}:${cfg.port}`];
}

/** True when the user named an external cluster, so the local broker is not ours to manage. */
export function usesExternalKafka(): boolean {
  return Boolean(process.env.KAFKA_BROKERS?.trim());
}
