import { localKafkaConfig } from './local-kafka/index.ts';

/** The brokers every client uses: KAFKA_BROKERS (comma-separated), else the local broker. */
export function kafkaBrokers(): string[] {
  const raw = process.env.KAFKA_BROKERS?.trim();
  if (raw) {
    const brokers = raw
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    for (const b of brokers) {
      if (!/^[^:\s]+:\d{1,5}$/.test(b)) throw new Error(`KAFKA_BROKERS must be host:port[,host:port…], got "${raw}"`);
    }
    return brokers;
  }
  const cfg = localKafkaConfig();
  return [`${cfg.host}:${cfg.port}`];
}

/** True when the user named an external cluster, so the local broker is not ours to manage. */
export function usesExternalKafka(): boolean {
  return Boolean(process.env.KAFKA_BROKERS?.trim());
}
