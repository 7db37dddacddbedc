import {
  CompressionTypes,
  type Consumer,
  type Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';
import type { StreamConfig } from './config.ts';
import { optOutOfConsumerInstrumentation } from './suppress.ts';
import type { Log } from './types.ts';

/** kafkajs logs through the hop's log; below WARN it is chatter. */
export function kafkaConfig(config: StreamConfig, clientId: string, log: Log): KafkaConfig {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  return {
    clientId,
    brokers: [...config.brokers],
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, ...fields } = entry;
        // kafkajs logs every failed request at ERROR, also those it retries itself; the runtime
        // reports what it gives up on. Back-to-back transactions routinely meet
        // CONCURRENT_TRANSACTIONS while the last commit's markers are written (kafkajs #430).
        const text = `${message} ${String(fields.error ?? '')}`;
        const routine = text.includes('concurrent operation on the same transaction');
        const mapped = routine ? 'debug' : level === logLevel.ERROR ? 'warn' : (levels[level] ?? 'info');
        log(mapped, `kafkajs ${namespace}: ${message}`, fields);
      },
  };
}

export function compressionOf(config: StreamConfig): CompressionTypes {
  // gzip is the codec kafkajs ships; others need extra native codecs.
  return config.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
}

/**
 * Idempotent, acks=all, one request in flight (kafkajs guarantees ordering for idempotent
 * producers only with one). Exactly-once adds a stable transactional id, so a restarted instance
 * fences its predecessor and aborts the transaction it left open.
 */
export function createProducer(kafka: Kafka, transactionalId?: string): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    ...(transactionalId ? { transactionalId, transactionTimeout: 60_000 } : {}),
  });
}

/** Read-committed, co-partitioned, bounded fetches; the runtime owns its consumer spans. */
export function createConsumer(kafka: Kafka, group: string, config: StreamConfig): Consumer {
  const consumer = kafka.consumer({
    groupId: group,
    readUncommitted: false,
    allowAutoTopicCreation: false,
    partitionAssigners: [coPartitionedAssigner],
    maxBytes: config.maxBytes,
    maxBytesPerPartition: config.maxBytesPerPartition,
    maxWaitTimeInMs: 1000,
    sessionTimeout: config.sessionTimeoutMs,
    heartbeatInterval: Math.max(1000, Math.floor(config.sessionTimeoutMs / 10)),
  });
  optOutOfConsumerInstrumentation(consumer);
  return consumer;
}
