import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireBroker as acquireCliBroker } from '@adtrace/cli';
import {
  brokerTuning,
  ensureKafkaJars,
  localKafkaConfig,
  pomKafkaVersion,
  startBroker,
  stopBroker,
} from '@adtrace/cli/local-kafka';
import { freePort } from './ports.ts';

export interface BrokerLease {
  readonly brokers: string[];
  readonly source: 'KAFKA_BROKERS' | 'testcontainers' | 'local';
  release(): Promise<void>;
}

/**
 * The apache/kafka image advertises the address it is told, so the host port is chosen first
 * and bound fixed. (The @testcontainers/kafka module targets Confluent's images.)
 * Not exercised on machines without Docker, such as the project's CI.
 */
async function startKafkaContainer(version: string, log: (line: string) => void): Promise<BrokerLease> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const port = await freePort();
  const image = `apache/kafka:${version}`;
  log(`starting ${image} with testcontainers on 127.0.0.1:${port}`);
  const container = await new GenericContainer(image)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      ...brokerTuning(localKafkaConfig().deployDir),
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(180_000)
    .start();
  return {
    brokers: [`127.0.0.1:${port}`],
    source: 'testcontainers',
    release: async () => void (await container.stop()),
  };
}

async function dockerReachable(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * The broker the tests use: KAFKA_BROKERS if set; else a Kafka container of the same version
 * when a Docker engine answers; else a broker already answering on the local address (reused,
 * left running); else the project's own local broker (started here and stopped afterwards).
 */
export async function acquireBroker(log: (line: string) => void): Promise<BrokerLease> {
  const external = process.env.KAFKA_BROKERS?.trim();
  if (external) {
    log(`using KAFKA_BROKERS=${external}`);
    return { brokers: external.split(','), source: 'KAFKA_BROKERS', release: async () => {} };
  }
  const cfg = localKafkaConfig();
  if (process.env.ADTRACE_TEST_DOCKER !== '0' && (await dockerReachable())) {
    return startKafkaContainer(pomKafkaVersion(cfg), log);
  }
  // As the CLI does: a broker already answering on the local address is used as it is;
  // otherwise the local broker is started for this run and stopped after it.
  const lease = await acquireCliBroker(log);
  log(
    lease.origin === 'started'
      ? `started the local broker ${lease.version ?? ''} at ${lease.brokers.join(',')}`
      : `reusing the broker at ${lease.brokers.join(',')}`,
  );
  return { brokers: lease.brokers, source: 'local', release: () => lease.release() };
}

export interface ThrowawayBroker {
  readonly brokers: string[];
  /** Stops the broker process (SIGTERM); its data stays, so `start` brings the same topics back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its home. */
  release(): Promise<void>;
}

/**
 * A second broker of the project's own kind, with its own home and ports, for a test that must
 * stop and restart the broker under a running client (the shared test broker is never touched).
 * Needs the local broker's jars (Java); they are shared with the project's broker.
 */
export async function startThrowawayBroker(log: (line: string) => void = () => {}): Promise<ThrowawayBroker> {
  const shared = localKafkaConfig();
  await ensureKafkaJars(shared, log);
  const home = mkdtempSync(join(tmpdir(), 'adtrace-throwaway-kafka-'));
  const cfg = localKafkaConfig({
    home,
    libsDir: shared.libsDir,
    port: await freePort(),
    controllerPort: await freePort(),
  });
  await startBroker(cfg, log);
  return {
    brokers: [`127.0.0.1:${cfg.port}`],
    start: async () => void (await startBroker(cfg, log)),
    stop: async () => void (await stopBroker(cfg)),
    release: async () => {
      await stopBroker(cfg);
      rmSync(home, { recursive: true, force: true });
    },
  };
}
