import { type Admin, Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './kafka-env.ts';

/**
 * Runs fn with a connected kafkajs admin client on the pipeline's brokers. kafkajs logs nothing:
 * a broker that is still starting makes it log errors the CLI waits out and reports itself.
 */
export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'adtrace-cli',
    brokers: kafkaBrokers(),
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    return await fn(admin);
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
