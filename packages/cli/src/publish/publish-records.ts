import { CompressionTypes, type Kafka } from 'kafkajs';

export interface KeyedRecord {
  readonly key: string;
  readonly value: Buffer;
}

/**
 * Sends keyed records to a (compacted) topic: idempotent, acks = all, in batches so a catalog
 * of thousands of ads is a few requests. Compaction keeps the latest value per key, so
 * publishing the same file twice changes nothing the services see.
 */
export async function publishRecords(kafka: Kafka, topic: string, records: readonly KeyedRecord[]): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < records.length; i += 200) {
      const batch = records.slice(i, i + 200);
      await producer.send({ topic, acks: -1, compression: CompressionTypes.None, messages: [...batch] });
    }
    return records.length;
  } finally {
    await producer.disconnect();
  }
}
