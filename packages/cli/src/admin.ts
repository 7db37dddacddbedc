import { type Admin, Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers } from './kafka-env.ts';

/** Runs fn with a connected kafkajs admin client on the pipeline's brokers. */
export async function withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = new Kafka({
    clientId: 'adtrace-cli',
    brokers: kafkaBrokers(),
    logLevel: logLevel.ERROR,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}
