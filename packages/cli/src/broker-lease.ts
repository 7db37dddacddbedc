import { Kafka, logLevel } from 'kafkajs';
import { kafkaBrokers, usesExternalKafka } from './kafka-env.ts';
import { brokerStatus, localKafkaConfig, startBroker, stopBroker } from './local-kafka/index.ts';

/** The broker a command uses, and whether that command must stop it when it is done. */
export interface BrokerLease {
  readonly brokers: string[];
  /** Named by KAFKA_BROKERS; already answering on the local address; or started by this lease. */
  readonly origin: 'KAFKA_BROKERS' | 'running' | 'started';
  readonly version?: string;
  /** Stops the broker if this lease started it; safe to call twice. */
  release(): Promise<void>;
}

/** True when a Kafka broker answers at `address` within about a second. */
export async function brokerAnswers(address: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'adtrace-probe',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/**
 * KAFKA_BROKERS if set; else the local broker if it runs (ours, or any broker answering on its
 * address, which is then used as it is); else the local broker, started here — the lease then
 * owns it and `release` stops it. An aborted `signal` stops a start under way.
 */
export async function acquireBroker(log: (line: string) => void, signal?: AbortSignal): Promise<BrokerLease> {
  const none = async () => {};
  if (usesExternalKafka()) return { brokers: kafkaBrokers(), origin: 'KAFKA_BROKERS', release: none };
  const cfg = localKafkaConfig();
  const address = `${cfg.host}:${cfg.port}`;
  const status = brokerStatus(cfg);
  if (!status.running && (await brokerAnswers(address))) {
    log(`a Kafka broker already answers at ${address} (not started by adtrace here); using it`);
    return { brokers: [address], origin: 'running', release: none };
  }
  const started = await startBroker(cfg, log, signal);
  if (started.alreadyRunning) {
    return { brokers: [address], origin: 'running', ...version(started.version), release: none };
  }
  let released: Promise<unknown> | undefined;
  return {
    brokers: [address],
    origin: 'started',
    ...version(started.version),
    release: async () => {
      released ??= stopBroker(cfg);
      await released;
    },
  };
}

const version = (v: string | undefined) => (v ? { version: v } : {});
