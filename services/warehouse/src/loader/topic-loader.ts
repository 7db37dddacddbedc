import { findHeader, Headers, optOutOfConsumerInstrumentation, runSuppressed } from '@adtrace/stream';
import type { Warehouse } from '@adtrace/warehouse';
import { type EachBatchPayload, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { deadLetterRow } from './dead-letter-row.ts';
import { attributedEventRow, type RecordDecoders, roasWindowRow } from './record-rows.ts';

export interface LoaderTopics {
  readonly attributedEvents: string;
  readonly roas: string;
  readonly deadLetters: string;
}

export interface LoaderOptions {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly topics: LoaderTopics;
  readonly warehouse: Warehouse;
  readonly decoders: RecordDecoders;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface TopicLoader {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): { readonly loaded: Record<string, number>; readonly undecodable: number };
}

const traceIdOf = (m: KafkaMessage): string | null =>
  /^00-([0-9a-f]{32})-/.exec(findHeader(m.headers, Headers.traceparent) ?? '')?.[1] ?? null;

/**
 * Loads attributed events, ROAS windows and dead letters into the warehouse. Plain kafkajs
 * (see README: the stream runtime has no batch-sink mode yet): each fetched batch is one
 * warehouse transaction, and its offsets are committed only after that commit — at least
 * once into idempotent tables, so a crash never loses or duplicates a row.
 */
export function createTopicLoader(options: LoaderOptions): TopicLoader {
  const { topics, warehouse, decoders, log } = options;
  const kafka = new Kafka({ clientId: options.groupId, brokers: [...options.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: options.groupId, allowAutoTopicCreation: false });
  const loaded: Record<string, number> = {};
  let undecodable = 0;

  function decodeAll<T>(batch: EachBatchPayload['batch'], decode: (m: KafkaMessage) => T): T[] {
    const out: T[] = [];
    for (const m of batch.messages) {
      if (m.value === null) continue;
      try {
        out.push(decode(m));
      } catch (err) {
        undecodable += 1;
        log(
          'warn',
          `skipping ${batch.topic}[${batch.partition}]@${m.offset}: ${err instanceof Error ? err.message : err}`,
        );
      }
    }
    return out;
  }

  async function eachBatch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    let result: { inserted: number };
    if (batch.topic === topics.deadLetters) {
      result = await warehouse.loadDeadLetters(decodeAll(batch, (m) => deadLetterRow(m, batch.partition)));
    } else if (batch.topic === topics.attributedEvents) {
      const rows = decodeAll(batch, (m) => attributedEventRow(decoders.attributedEvent(m.value!), traceIdOf(m)));
      result = await warehouse.loadAttributedEvents(rows);
    } else if (batch.topic === topics.roas) {
      result = await warehouse.loadRoasWindows(decodeAll(batch, (m) => roasWindowRow(decoders.roasWindow(m.value!))));
    } else return;
    loaded[batch.topic] = (loaded[batch.topic] ?? 0) + result.inserted;
    const next = String(BigInt(batch.lastOffset()) + 1n);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
    await heartbeat();
  }

  return {
    async start() {
      await consumer.connect();
      await consumer.subscribe({
        topics: [topics.attributedEvents, topics.roas, topics.deadLetters],
        fromBeginning: true,
      });
      // Its own reads are not part of any event's trace: no per-batch root traces from the instrumentation.
      optOutOfConsumerInstrumentation(consumer);
      await runSuppressed(() => consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch }));
    },
    async stop() {
      await consumer.disconnect();
    },
    stats: () => ({ loaded: { ...loaded }, undecodable }),
  };
}
